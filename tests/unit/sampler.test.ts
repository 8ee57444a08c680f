import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/steering/random';
import {
  alternatives,
  DEFAULT_SAMPLING,
  sampleToken,
  topTokens,
  type SamplingParams,
} from '../../src/steering/sampler';
import { randomLogits } from './support/fake-vocabulary';

function draws(logits: Float32Array, params: SamplingParams, seed: number, n: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => sampleToken(logits, params, random));
}

const counts = (tokens: number[]) => tokens.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<number, number>());

/** Logits whose softmax is exactly `probs` (temperature 1). */
const logitsOf = (probs: number[]) => Float32Array.from(probs, (p) => Math.log(p));

describe('sampleToken', () => {
  const logits = randomLogits(3, 2);

  it('draws the same tokens for the same seed, and other tokens for another seed', () => {
    expect(draws(logits, DEFAULT_SAMPLING, 42, 200)).toEqual(draws(logits, DEFAULT_SAMPLING, 42, 200));
    expect(draws(logits, DEFAULT_SAMPLING, 43, 200)).not.toEqual(draws(logits, DEFAULT_SAMPLING, 42, 200));
  });

  it('takes the argmax at temperature 0, whatever the generator says', () => {
    for (let seed = 0; seed < 50; seed++) {
      const l = randomLogits(seed);
      const argmax = l.indexOf(Math.max(...l));
      expect(draws(l, { temperature: 0, topK: 0, topP: 1 }, seed, 5)).toEqual(Array(5).fill(argmax));
    }
  });

  it('draws only from the k most likely tokens, and from each of them', () => {
    const l = Float32Array.from({ length: 20 }, (_, i) => -0.05 * i);
    const seen = counts(draws(l, { temperature: 1, topK: 3, topP: 1 }, 5, 6000));
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2]);
  });

  it('draws from the whole support with top-k 0 and top-p 1', () => {
    const l = Float32Array.from({ length: 8 }, (_, i) => -0.1 * i);
    expect(counts(draws(l, { temperature: 1, topK: 0, topP: 1 }, 9, 8000)).size).toBe(8);
  });

  it('keeps the smallest set that reaches top-p, with the right odds inside it', () => {
    const l = logitsOf([0.5, 0.3, 0.1, 0.06, 0.04]);
    const n = 10000;
    const seen = counts(draws(l, { temperature: 1, topK: 0, topP: 0.75 }, 17, n));
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([0, 1]);
    // 0.5 / (0.5 + 0.3) = 0.625; the standard error at n = 10,000 is about 0.005.
    expect(Math.abs(seen.get(0)! / n - 0.625)).toBeLessThan(0.025);
  });

  it('follows the softmax with no truncation', () => {
    const probs = [0.4, 0.3, 0.2, 0.1];
    const n = 20000;
    const seen = counts(draws(logitsOf(probs), { temperature: 1, topK: 0, topP: 1 }, 23, n));
    probs.forEach((p, id) => expect(Math.abs(seen.get(id)! / n - p)).toBeLessThan(0.02));
  });

  it('never draws a token with logit −∞', () => {
    const l = randomLogits(8);
    l[2] = -Infinity;
    l[5] = -Infinity;
    const seen = counts(draws(l, { temperature: 1.5, topK: 0, topP: 1 }, 1, 5000));
    expect(seen.has(2) || seen.has(5)).toBe(false);
  });
});

describe('topTokens', () => {
  /** The reference: sort every finite id by descending logit, ties by id. */
  const fullSort = (l: Float32Array) =>
    [...l.keys()].filter((i) => l[i] > -Infinity).sort((a, b) => l[b] - l[a] || a - b);

  it('equals the prefix of a full sort, ties and −∞ included', () => {
    // Small integers make ties common; −∞ stands for banned tokens.
    const logit = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.constant(-Infinity),
      fc.double({ min: -100, max: 100, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(logit, { minLength: 1, maxLength: 60 }), fc.nat(70), (values, k) => {
        const l = Float32Array.from(values);
        const expected = fullSort(l);
        expect(topTokens(l, k)).toEqual(k === 0 ? expected : expected.slice(0, k));
      }),
      { numRuns: 500 },
    );
  });
});

describe('alternatives', () => {
  it('lists the most likely tokens with their softmax probabilities', () => {
    const probs = [0.1, 0.5, 0.25, 0.15];
    const top = alternatives(logitsOf(probs), 2);
    expect(top.map((a) => a.token)).toEqual([1, 2]);
    expect(top[0].prob).toBeCloseTo(0.5, 6);
    expect(top[1].prob).toBeCloseTo(0.25, 6);
  });
});
