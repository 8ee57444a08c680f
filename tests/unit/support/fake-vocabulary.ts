import { createRandom } from '../../../src/steering/random';
import { tagGroups, type TagGroup, type VocabularyFile } from '../../../src/steering/tags';

/** A tiny vocabulary laid out like the real tokenizer's: end-of-text, genres, emotions, rude, then plain words. */
export const ADDED_TOKENS = [
  '<|endoftext|>',
  '<story>',
  '<comment>',
  '<happy>',
  '<sad>',
  '<angry>',
  '<scared>',
  '<surprised>',
  '<disgusted>',
  '<neutral>',
  '<rude>',
].map((content, id) => ({ id, content }));
export const WORDS = ['the', 'cat', 'sat', ' on', ' mat', '.', ' and', ' ran', '!'];
export const VOCAB_SIZE = ADDED_TOKENS.length + WORDS.length;
export const END_OF_TEXT = 0;

/** Grouped as the recipe groups the shipped model's tags (`models/recipe/vocabulary.ts`). */
export const VOCABULARY: VocabularyFile = {
  groups: [
    {
      name: 'emotion',
      opens: 'sentence',
      tags: ['happy', 'sad', 'angry', 'scared', 'surprised', 'disgusted', 'neutral'].map((name) => ({ name })),
    },
    { name: 'genre', opens: 'document', tags: [{ name: 'story' }, { name: 'comment' }] },
    { name: 'rude', slotAfter: 'emotion', tags: [{ name: 'rude', colour: '#111111' }] },
  ],
};

export const groups: TagGroup[] = tagGroups(ADDED_TOKENS, VOCABULARY);

export function group(name: string): TagGroup {
  const found = groups.find((g) => g.name === name);
  if (!found) throw new Error(`no group ${name}`);
  return found;
}

export function tagId(name: string): number {
  const found = groups.flatMap((g) => g.tags).find((t) => t.name === name);
  if (!found) throw new Error(`no tag ${name}`);
  return found.id;
}

export const wordIds = (): number[] => WORDS.map((_, i) => ADDED_TOKENS.length + i);

/** Seeded logits in [−spread, spread], one per vocabulary entry. */
export function randomLogits(seed: number, spread = 4): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: VOCAB_SIZE }, () => (random() * 2 - 1) * spread);
}

export function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const max = Math.max(...values);
  const e = values.map((v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

export const sumOf = (probs: number[], ids: number[]): number => ids.reduce((sum, id) => sum + probs[id], 0);
