/**
 * Hand labels of TinyStories sentences, read in the context of their story. Labels refer to sentences by
 * story index, sentence index and a hash of the text (checked on load), so no corpus text is committed.
 *
 *   npm run model:labels -- --print dev|heldout [--corpora DIR]   print the sentences to label, numbered
 *
 * Two sets, drawn with different seeds from disjoint stories:
 *   dev      the tagger's cues, thresholds and episode decay are fitted on it;
 *   heldout  committed before anything is fitted to it; only ever used to report figures.
 * Each set has whole stories, labelled sentence by sentence, and a sample stratified by what the taggers say.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRandom } from '../../src/steering/random';
import { shuffle } from './shuffle';
import { EMOTIONS, type Emotion } from '../../src/tagger/labels';
import { splitSentences } from '../../src/tagger/sentences';

export type LabelSet = 'dev' | 'heldout';
export const LABEL_DIR = join(import.meta.dirname, 'labels');

export interface StorySentence {
  story: number;
  sentence: number;
  text: string;
}
export interface LabelledSentence extends StorySentence {
  label: Emotion;
  /** 'story' when labelled as part of a whole story, 'sample' when drawn alone (still read in context). */
  kind: 'story' | 'sample' | 'random';
}

export const sentenceHash = (s: string) => createHash('sha1').update(s.trim()).digest('hex').slice(0, 10);

export function storySentences(stories: string[], story: number): StorySentence[] {
  return splitSentences(stories[story]).map((text, sentence) => ({ story, sentence, text: text.trim() }));
}

/** Whole stories of each set: the first 40 of one seeded order for held-out, the next 12 for dev. */
export function wholeStories(stories: string[], set: LabelSet): number[] {
  const order = shuffle(
    stories.map((_, i) => i),
    createRandom(9001),
  );
  return set === 'heldout' ? order.slice(0, 40) : order.slice(40, 52);
}

/** Stories the stratified samples may draw from: never one of the whole stories, and disjoint between sets. */
function sampleStories(stories: string[], set: LabelSet): number[] {
  const whole = new Set([...wholeStories(stories, 'heldout'), ...wholeStories(stories, 'dev')]);
  return stories.map((_, i) => i).filter((i) => !whole.has(i) && (i % 2 === 0) === (set === 'heldout'));
}

/**
 * A sample stratified by the labels of the given taggers: up to `perCell` sentences for every label of every
 * tagger, drawn with a fixed seed, so the rare emotions are represented however rarely the taggers emit them.
 */
export function stratifiedSample(
  stories: string[],
  set: LabelSet,
  taggers: ((story: StorySentence[], i: number) => Emotion)[],
  perCell: number,
): StorySentence[] {
  const pool = shuffle(sampleStories(stories, set), createRandom(set === 'heldout' ? 77 : 78)).slice(0, 2000);
  const chosen = new Map<string, StorySentence>();
  for (const [t, tagger] of taggers.entries()) {
    const cells = new Map<Emotion, StorySentence[]>(EMOTIONS.map((e) => [e, []]));
    for (const story of pool) {
      const sentences = storySentences(stories, story);
      sentences.forEach((s, i) => cells.get(tagger(sentences, i))!.push(s));
    }
    for (const [e, cell] of cells.entries()) {
      const random = createRandom(1000 * t + EMOTIONS.indexOf(e));
      for (const s of shuffle(cell, random).slice(0, perCell)) chosen.set(`${s.story}:${s.sentence}`, s);
    }
  }
  return [...chosen.values()].sort((a, b) => a.story - b.story || a.sentence - b.sentence);
}

/** Reads a set's labels, checking each against the corpus it refers to. */
export function readLabels(stories: string[], set: LabelSet): LabelledSentence[] {
  const file = join(LABEL_DIR, `tinystories-${set}.tsv`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const [story, sentence, hash, label, kind] = line.split('\t');
      const s = storySentences(stories, Number(story))[Number(sentence)];
      if (!s || sentenceHash(s.text) !== hash)
        throw new Error(`${set} label ${story}:${sentence} no longer matches the corpus`);
      if (!EMOTIONS.includes(label as Emotion))
        throw new Error(`${set} label ${story}:${sentence}: unknown label ${label}`);
      return { ...s, label: label as Emotion, kind: kind as LabelledSentence['kind'] };
    });
}
