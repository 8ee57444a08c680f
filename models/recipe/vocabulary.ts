/**
 * Writes `tagplay.json` into the model's folder: the tokenizer's tags grouped as the recipe tagged the
 * corpus (one emotion per sentence, a genre per document, the rude flag after the emotion), each with
 * its colour. The playground, the worker and the evaluation read the tags from there.
 *
 *   npm run model:vocabulary      (after npm run model:tokenizer)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VocabularyFile } from '../../src/steering/tags';
import { EMOTIONS, GENRES, RUDE } from '../../src/tagger/labels';
import { MODEL_DIR } from './paths';

/**
 * The Okabe–Ito palette, told apart with the common colour-vision deficiencies. Colour is never the
 * only cue: chips carry the tag's name, and the chart labels each line.
 */
const COLOURS: Record<string, string> = {
  happy: '#E69F00',
  sad: '#0072B2',
  angry: '#D55E00',
  scared: '#CC79A7',
  surprised: '#009E73',
  disgusted: '#7A6A00',
  neutral: '#6E6E6E',
  rude: '#111111',
  story: '#56B4E9',
  comment: '#8E5BB3',
  tale: '#999933',
};

/** The groups, in the order the playground lists them (its keys 1, 2, … follow it). */
const GROUPS: VocabularyFile['groups'] = [
  { name: 'emotion', opens: 'sentence', tags: EMOTIONS.map((name) => ({ name })) },
  { name: 'genre', opens: 'document', tags: GENRES.map((name) => ({ name })) },
  { name: RUDE, slotAfter: 'emotion', tags: [{ name: RUDE }] },
];

const tokenizer = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer.json'), 'utf8')) as {
  added_tokens: { content: string }[];
};
const added = new Set(tokenizer.added_tokens.map((t) => t.content));
const vocabulary: VocabularyFile = {
  groups: GROUPS.map((g) => ({
    ...g,
    tags: g.tags.filter((t) => added.has(`<${t.name}>`)).map((t) => ({ ...t, colour: COLOURS[t.name] })),
  })).filter((g) => g.tags.length > 0),
};
const file = join(MODEL_DIR, 'tagplay.json');
writeFileSync(file, JSON.stringify(vocabulary, null, 2) + '\n');
console.log(`wrote ${file}: ${vocabulary.groups.map((g) => `${g.name} (${g.tags.length})`).join(', ')}`);
