/** Readers for the text in ../shared/corpora (or another root given with --corpora). Nothing here is copied into the repository. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Emotion } from '../../src/tagger/labels';

export const DEFAULT_CORPORA = join(import.meta.dirname, '../../../shared/corpora');

/** Percent of documents held out from training, chosen by a hash of their text so any reader finds the same ones. */
const HELD_OUT_PERCENT = 3;

/** Whether a document is in the held-out split, never trained on. */
export const isHeldOut = (text: string): boolean =>
  createHash('sha1').update(text).digest().readUInt16BE(0) % 100 < HELD_OUT_PERCENT;

export function corporaRoot(argv = process.argv): string {
  const i = argv.indexOf('--corpora');
  const root = i >= 0 ? argv[i + 1] : DEFAULT_CORPORA;
  if (!existsSync(join(root, 'tinystories')) || !existsSync(join(root, 'goemotions')))
    throw new Error(
      `No corpora at ${root}: the recipe needs tinystories/ and goemotions/ there. ` +
        'README.md ("The model recipe") says where to get them; pass their folder with --corpora DIR.',
    );
  return root;
}

const tidy = (doc: string): string =>
  doc
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');

const STOP = new Set(
  'the and was she he they her his them said with that for you but had were very what this then when there their have one day not are all can from out saw big little too went time wanted'.split(
    ' ',
  ),
);
const contentWords = (block: string): Set<string> =>
  new Set((block.toLowerCase().match(/[a-z]{3,}/g) ?? []).filter((w) => !STOP.has(w)));

/**
 * Part b separates stories only by blank lines, like its paragraphs. A block starts a new story when
 * it opens like a story ("Once", "One day") or shares fewer than two content words with the block before.
 */
function splitBlankLineStories(text: string): string[] {
  const stories: string[][] = [];
  let previous = new Set<string>();
  for (const block of text
    .split(/\n\s*\n/)
    .map(tidy)
    .filter(Boolean)) {
    const wordsHere = contentWords(block);
    const shared = [...wordsHere].filter((w) => previous.has(w)).length;
    if (stories.length === 0 || /^(Once|One (sunny |bright |beautiful )?day)\b/.test(block) || shared < 2)
      stories.push([]);
    stories[stories.length - 1].push(block);
    previous = wordsHere;
  }
  return stories.map((s) => s.join('\n'));
}

/** Every public-domain tale under `tales/`, one string per tale (blocks separated by `<|endoftext|>` lines). */
export function tales(root: string): string[] {
  const dir = join(root, 'tales');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('<|endoftext|>').map(tidy).filter(Boolean));
}

/** Every TinyStories file under `tinystories/`, as one string per story. */
export function tinyStories(root: string): string[] {
  const dir = join(root, 'tinystories');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return text.includes('<|endoftext|>')
        ? text.split('<|endoftext|>').map(tidy).filter(Boolean)
        : splitBlankLineStories(text);
    });
}

const EKMAN_TO_TAG: Record<string, Emotion> = {
  anger: 'angry',
  disgust: 'disgusted',
  fear: 'scared',
  joy: 'happy',
  neutral: 'neutral',
  sadness: 'sad',
  surprise: 'surprised',
};

export interface LabelledText {
  text: string;
  labels: Emotion[];
}

/** GoEmotions mapped to Ekman's labels, then to tag names. `split` is train, valid or test. */
export function goEmotionsEkman(root: string, split: 'train' | 'valid' | 'test'): LabelledText[] {
  const names = readFileSync(join(root, 'goemotions/goemotions_ekman_labels.txt'), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  return readFileSync(join(root, `goemotions/goemotions_ekman_${split}.tsv`), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((row) => {
      const [text, ids] = row.split('\t');
      return { text, labels: ids.split(',').map((id) => EKMAN_TO_TAG[names[Number(id)]]) };
    });
}

const CARER_TO_TAG: Record<string, Emotion> = {
  joy: 'happy',
  love: 'happy',
  sadness: 'sad',
  anger: 'angry',
  fear: 'scared',
  surprise: 'surprised',
};

/** The CARER set (evaluation only: its licence keeps it out of training). */
export function carer(root: string, split: 'train' | 'val'): LabelledText[] {
  return readFileSync(join(root, `emotion-carer/emotion_dairai_${split}.txt`), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((row) => {
      const i = row.lastIndexOf(';');
      return { text: row.slice(0, i), labels: [CARER_TO_TAG[row.slice(i + 1).trim()]] };
    });
}
