import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certainCost, controlCost } from '../../src/steering/control-cost';
import { applyPolicy } from '../../src/steering/hook';
import type { Policy, TagMode } from '../../src/steering/policy';
import { createRandom } from '../../src/steering/random';
import { group, groups, randomLogits, softmax, sumOf, tagId, wordIds } from './support/fake-vocabulary';

const emotionIds = group('emotion').tags.map((t) => t.id);
const happy = tagId('happy');
const rude = tagId('rude');

/** The definition, term by term in doubles: Σ q log(q/p) over the tokens q gives mass. */
function referenceKl(raw: ArrayLike<number>, steered: ArrayLike<number>): number {
  const p = softmax(raw);
  const q = softmax(steered);
  return q.reduce((sum, qi, i) => (qi > 0 ? sum + qi * Math.log(qi / p[i]) : sum), 0);
}

/** Logits over a vocabulary far larger than the tags (as the real one is), the fake tags at their usual ids. */
function wideLogits(seed: number, size = 2000): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: size }, () => random() * 8 - 4);
}

const ban = (...tags: string[]): Policy => Object.fromEntries(tags.map((tag) => [tag, { mode: 'ban', boost: 0 }]));

describe('controlCost: KL(steered ‖ model) in nats', () => {
  it('is 0 with no policy, and with a policy that changes nothing', () => {
    for (const raw of [randomLogits(1), wideLogits(2)]) {
      expect(controlCost(raw, applyPolicy(raw, groups, {}, null).logits)).toBe(0);
      // A boost of <rude> acts only right after an emotion tag.
      expect(controlCost(raw, applyPolicy(raw, groups, { rude: { mode: 'allow', boost: 5 } }, null).logits)).toBe(0);
    }
  });

  it('is −log(1 − p) for one token taken out, its mass spread over all the others', () => {
    const raw = wideLogits(3);
    const word = 1500;
    const steered = raw.slice();
    steered[word] = -Infinity;
    const p = softmax(raw)[word];
    expect(controlCost(raw, steered)).toBeCloseTo(-Math.log(1 - p), 12);
    // The same through the hook: a ban of <rude> takes it out at every step, with nothing in its group to take its mass.
    const hooked = applyPolicy(raw, groups, ban('rude'), null).logits;
    expect(controlCost(raw, hooked)).toBeCloseTo(-Math.log(1 - softmax(raw)[rude]), 12);
  });

  it('is −log(1 − T) for a wholly banned group of total T, whose mass goes to every other token', () => {
    const raw = wideLogits(4);
    const policy = ban(...group('emotion').tags.map((t) => t.name));
    const total = sumOf(softmax(raw), emotionIds);
    expect(controlCost(raw, applyPolicy(raw, groups, policy, null).logits)).toBeCloseTo(-Math.log(1 - total), 7);
  });

  it('is T·log(T/(T − p)) for a ban inside a group of total T, which keeps T', () => {
    for (const raw of [wideLogits(5), randomLogits(6)]) {
      const before = softmax(raw);
      const total = sumOf(before, emotionIds);
      const p = before[happy];
      const cost = controlCost(raw, applyPolicy(raw, groups, ban('happy'), null).logits);
      expect(cost).toBeGreaterThan(0);
      expect(cost).toBeCloseTo(total * Math.log(total / (total - p)), 7);
    }
  });

  it('is T·log(T/p) for a forced tag, which takes its whole group', () => {
    const raw = wideLogits(7);
    const before = softmax(raw);
    const total = sumOf(before, emotionIds);
    const angry = tagId('angry');
    const cost = controlCost(raw, applyPolicy(raw, groups, { angry: { mode: 'force', boost: 0 } }, null).logits);
    expect(cost).toBeCloseTo(total * Math.log(total / before[angry]), 7);
  });

  it('is −log p for a certain token: a forced <rude> after an emotion tag, or a token inserted', () => {
    const raw = wideLogits(8);
    const p = softmax(raw)[rude];
    const hooked = applyPolicy(raw, groups, { rude: { mode: 'force', boost: 0 } }, happy).logits;
    expect(controlCost(raw, hooked)).toBeCloseTo(-Math.log(p), 7);
    expect(certainCost(raw, rude)).toBeCloseTo(-Math.log(p), 9);
  });

  it('reuses the normaliser it is given', () => {
    const raw = wideLogits(9);
    const hooked = applyPolicy(raw, groups, ban('sad'), null);
    expect(controlCost(raw, hooked.logits, hooked.rawLogZ)).toBeCloseTo(controlCost(raw, hooked.logits), 12);
  });

  it('is infinite where the steered distribution gives mass to a token the model rules out', () => {
    const raw = wideLogits(10);
    raw[wordIds()[0]] = -Infinity;
    const steered = raw.slice();
    steered[wordIds()[0]] = 0;
    expect(controlCost(raw, steered)).toBe(Infinity);
  });
});

describe('controlCost, property-based', () => {
  const policyTags = [...group('emotion').tags, ...group('genre').tags, ...group('rude').tags].map((t) => t.name);
  const rule = fc.record({
    mode: fc.constantFrom<TagMode>('allow', 'ban', 'force'),
    boost: fc.double({ min: -10, max: 10, noNaN: true }),
  });
  const policies = fc.dictionary(fc.constantFrom(...policyTags), rule);
  const previous = fc.constantFrom(null, happy, wordIds()[2]);

  it('equals the definition, term by term, and is never negative, on small and large vocabularies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom(20, 400),
        policies,
        previous,
        (seed, size, policy, before) => {
          const raw = wideLogits(seed, size);
          const steered = applyPolicy(raw, groups, policy, before).logits;
          const cost = controlCost(raw, steered);
          const reference = referenceKl(raw, steered);
          expect(cost).toBeGreaterThanOrEqual(0);
          expect(Math.abs(cost - reference)).toBeLessThanOrEqual(1e-9 + 1e-6 * reference);
        },
      ),
      { numRuns: 300 },
    );
  });
});
