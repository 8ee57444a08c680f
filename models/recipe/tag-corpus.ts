/**
 * Builds the tagged corpus: every sentence of every TinyStories story and GoEmotions train comment,
 * prefixed by its tags, each document opened by its genre tag and closed by <|endoftext|>.
 * A validation split is held out by document. Training documents with rare tags are repeated so the
 * model sees enough angry, scared or disgusted sentences to learn what those tags mean.
 *
 *   npm run model:corpus [-- --corpora DIR]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelText, taggedSentence } from '../../src/tagger/index';
import { END_OF_TEXT, EMOTIONS, RUDE, tagToken, type Genre } from '../../src/tagger/labels';
import { corporaRoot, goEmotionsEkman, tinyStories } from './corpora';
import { loadTaggerWeights } from './load-node';
import { BUILD_DIR, MODEL_DIR } from './paths';

const VALID_PERCENT = 3;
const MAX_REPEAT = 6;

const weights = loadTaggerWeights();

interface TaggedDoc { genre: Genre; index: number; text: string; tagged: string; tags: string[]; sentences: string[] }

function tagDocument(genre: Genre, text: string, index: number): TaggedDoc {
  const tags: string[] = [];
  const body = labelText(weights, text).map(({ sentence, label }) => {
    tags.push(label.emotion);
    if (label.rude) tags.push(RUDE);
    return taggedSentence(label, sentence);
  });
  return { genre, index, text, tagged: tagToken(genre) + body.join('') + END_OF_TEXT, tags, sentences: body };
}

const isValidation = (text: string) => createHash('sha1').update(text).digest().readUInt16BE(0) % 100 < VALID_PERCENT;

const root = corporaRoot();
const t0 = Date.now();
const docs = [
  ...tinyStories(root).map((t, i) => tagDocument('story', t, i)),
  ...goEmotionsEkman(root, 'train').map((c, i) => tagDocument('comment', c.text.trim(), i)),
];
const count = (list: TaggedDoc[], weightOf: (d: TaggedDoc) => number = () => 1) => {
  const c: Record<string, number> = Object.fromEntries([...EMOTIONS, RUDE].map((t) => [t, 0]));
  for (const d of list) for (const t of d.tags) c[t] += weightOf(d);
  return c;
};
const train = docs.filter((d) => !isValidation(d.text));
const valid = docs.filter((d) => isValidation(d.text));
const base = count(train.filter((d) => d.genre === 'story'));
const storySentences = Object.values(base).reduce((a, b) => a + b, 0) - base[RUDE];
// A story is repeated by how rare its rarest emotion is in stories, capped, so rare tags get more examples.
const repeatOf = (d: TaggedDoc) => d.genre !== 'story' ? 1 :
  Math.min(MAX_REPEAT, Math.max(1, ...d.tags.filter((t) => t !== RUDE).map((t) => Math.round(Math.sqrt((0.25 * storySentences) / Math.max(1, base[t]))))));

mkdirSync(join(BUILD_DIR, 'corpus'), { recursive: true });
writeFileSync(join(BUILD_DIR, 'corpus/train.txt'), train.flatMap((d) => Array(repeatOf(d)).fill(d.tagged)).join('\n'));
for (const genre of ['story', 'comment'] as const) {
  const v = valid.filter((d) => d.genre === genre);
  writeFileSync(join(BUILD_DIR, `corpus/valid-${genre}.txt`), v.map((d) => d.tagged).join('\n'));
  writeFileSync(join(BUILD_DIR, `corpus/valid-${genre}.bytes`), String(v.reduce((n, d) => n + Buffer.byteLength(d.text), 0)));
}
// Held-out tagged sentences for the tokenizer parity fixture, located by position so that no corpus text is committed.
writeFileSync(join(BUILD_DIR, 'corpus/heldout-sentences.jsonl'), valid.flatMap((d) => d.sentences.map((text, sentence) =>
  JSON.stringify({ genre: d.genre, doc: d.index, sentence, text }))).slice(0, 1500).join('\n'));
const stats = {
  documents: { train: train.length, valid: valid.length, stories: docs.filter((d) => d.genre === 'story').length, comments: docs.filter((d) => d.genre === 'comment').length },
  tagCounts: count(docs),
  trainTagCountsAfterRepeats: count(train, repeatOf),
  seconds: (Date.now() - t0) / 1000,
};
// The stats travel with the model (the model card quotes them); the corpus itself is never committed.
writeFileSync(join(MODEL_DIR, 'corpus.json'), JSON.stringify({ command: 'npm run model:corpus', ...stats }, null, 2) + '\n');
console.log(JSON.stringify(stats, null, 2));
