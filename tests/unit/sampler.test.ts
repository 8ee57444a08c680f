import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, keyedUniform } from '../../src/steering/random';
import {
  alternatives,
  candidates,
  DEFAULT_SAMPLING,
  sampleToken,
  topTokens,
  type SamplingParams,
} from '../../src/steering/sampler';
import { randomLogits } from './support/fake-vocabulary';

/** The tokens drawn at steps 0 … n − 1 of one seed, from the same logits. */
function draws(logits: Float32Array, params: SamplingParams, seed: number, n: number): number[] {
  return Array.from({ length: n }, (_, step) => sampleToken(logits, params, (id) => keyedUniform(seed, step, id)));
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

/**
 * A plain reference sampler, written apart from `sampleToken`: sort, keep the top k, then the shortest
 * prefix whose tempered probability reaches p, and take the kept token with the largest tempered logit
 * plus Gumbel noise from its own uniform.
 */
function referenceSample(logits: Float32Array, params: SamplingParams, noise: (id: number) => number): number {
  const ids = [...logits.keys()].filter((i) => logits[i] > -Infinity).sort((a, b) => logits[b] - logits[a] || a - b);
  if (params.temperature <= 0) return ids[0];
  const max = logits[ids[0]];
  const weights = ids.map((id) => Math.exp((logits[id] - max) / params.temperature));
  const k = params.topK > 0 ? Math.min(params.topK, ids.length) : ids.length;
  const topK = weights.slice(0, k);
  const z = topK.reduce((a, b) => a + b, 0);
  let keep = k;
  let cumulative = 0;
  for (let i = 0; i < k && params.topP < 1; i++) {
    cumulative += topK[i] / z;
    if (cumulative >= params.topP) {
      keep = i + 1;
      break;
    }
  }
  const scored = ids
    .slice(0, keep)
    .map((id) => ({ id, score: logits[id] / params.temperature - Math.log(-Math.log(noise(id))) }));
  return scored.reduce((best, next) => (next.score > best.score ? next : best)).id;
}

describe('sampleToken against a reference implementation', () => {
  const grid: SamplingParams[] = [];
  for (const temperature of [0, 0.3, 0.7, 1, 1.6])
    for (const topK of [0, 1, 3, 12]) for (const topP of [0.3, 0.6, 0.9, 1]) grid.push({ temperature, topK, topP });

  it('draws what the reference draws, across temperatures, top-k with top-p and steps', () => {
    for (let seed = 0; seed < 12; seed++) {
      const logits = randomLogits(100 + seed, 3);
      if (seed % 3 === 0) logits[seed % logits.length] = -Infinity;
      for (const params of grid)
        for (let step = 0; step < 8; step++) {
          const noise = (id: number) => keyedUniform(seed, step, id);
          const got = sampleToken(logits, params, noise);
          expect(got, `seed ${seed}, ${JSON.stringify(params)}, step ${step}`).toBe(
            referenceSample(logits, params, noise),
          );
        }
    }
  });

  it('keeps the token at which the cumulative probability reaches top-p exactly, and no more', () => {
    // Tempered probabilities 0.5, 0.25, 0.125, 0.125: at p = 0.75 the first two are kept.
    const logits = logitsOf([0.5, 0.25, 0.125, 0.125]);
    const params = { temperature: 1, topK: 0, topP: 0.75 };
    expect(candidates(logits, params)).toEqual([0, 1]);
    expect(candidates(logits, { ...params, topP: 0.7500001 })).toEqual([0, 1, 2]);
  });

  it('applies top-p to the tempered probabilities', () => {
    // At temperature 2 the probabilities flatten to about 0.41, 0.30, 0.16, 0.13, so p = 0.8 keeps three;
    // the untempered 0.57, 0.29, 0.08, 0.06 would reach it with two.
    expect(candidates(logitsOf([0.57, 0.29, 0.08, 0.06]), { temperature: 2, topK: 0, topP: 0.8 })).toEqual([0, 1, 2]);
  });
});

/** `keyedUniform(1, 0, token)` for tokens 0, 1, 2 and 4095, pinned when the sampler was written. */
const KEYED_PIN = [0.7856505344389006, 0.36189586913678795, 0.5895282250130549, 0.16642146545927972];

describe('the same randomness at every step', () => {
  const logit = fc.double({ min: -8, max: 8, noNaN: true });
  const setting = fc.record({
    logits: fc.array(logit, { minLength: 2, maxLength: 40 }),
    seed: fc.nat(),
    step: fc.nat(1000),
    temperature: fc.double({ min: 0.2, max: 2, noNaN: true }),
  });

  it('draws by seed and step alone: the same pair, the same token, whatever came before', () => {
    fc.assert(
      fc.property(setting, ({ logits, seed, step, temperature }) => {
        const l = Float32Array.from(logits);
        const params = { temperature, topK: 0, topP: 1 };
        const once = sampleToken(l, params, (id) => keyedUniform(seed, step, id));
        draws(l, params, seed + 1, 5);
        expect(sampleToken(l, params, (id) => keyedUniform(seed, step, id))).toBe(once);
      }),
    );
  });

  it('keeps the pick when a token it did not pick is removed or made less likely', () => {
    fc.assert(
      fc.property(setting, fc.nat(), fc.double({ min: 0, max: 20, noNaN: true }), (s, which, drop) => {
        const l = Float32Array.from(s.logits);
        const params = { temperature: s.temperature, topK: 0, topP: 1 };
        const noise = (id: number) => keyedUniform(s.seed, s.step, id);
        const picked = sampleToken(l, params, noise);
        const other = (picked + 1 + (which % (l.length - 1))) % l.length;
        const lowered = Float32Array.from(l);
        lowered[other] -= drop;
        expect(sampleToken(lowered, params, noise)).toBe(picked);
        const removed = Float32Array.from(l);
        removed[other] = -Infinity;
        expect(sampleToken(removed, params, noise)).toBe(picked);
      }),
    );
  });

  it('keeps the pick when the tokens of a group that holds it are all raised together, as a ban of another does', () => {
    fc.assert(
      fc.property(setting, fc.double({ min: 0, max: 5, noNaN: true }), (s, shift) => {
        const l = Float32Array.from(s.logits);
        const params = { temperature: s.temperature, topK: 0, topP: 1 };
        const noise = (id: number) => keyedUniform(s.seed, s.step, id);
        const picked = sampleToken(l, params, noise);
        const raised = l.map((v, id) => (id % 2 === picked % 2 ? v + shift : v));
        expect(sampleToken(raised, params, noise)).toBe(picked);
      }),
    );
  });

  it('gives the same uniforms as ever (a share link replays only while these hold)', () => {
    expect([0, 1, 2, 4095].map((token) => keyedUniform(1, 0, token))).toEqual(KEYED_PIN);
    expect(keyedUniform(42, 7, 3)).not.toBe(keyedUniform(42, 8, 3));
  });
});

describe('createRandom', () => {
  it('gives the same first outputs as ever (mulberry32; a share link replays only while these hold)', () => {
    const first = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(first(0)).toEqual([
      0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111, 0.46732782293111086,
    ]);
    expect(first(42)).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693, 0.17481389874592423,
    ]);
    expect(first(4294967295)).toEqual([
      0.8964226141106337, 0.189478256739676, 0.7156526781618595, 0.9440599093213677, 0.8452364315744489,
    ]);
  });
});
