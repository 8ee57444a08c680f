import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/steering/hook';
import type { Policy, TagMode } from '../../src/steering/policy';
import { allTags } from '../../src/steering/tags';
import { group, groups, randomLogits, softmax, sumOf, tagId, VOCAB_SIZE, wordIds } from './support/fake-vocabulary';

const emotionIds = group('emotion').tags.map((t) => t.id);
const genreIds = group('genre').tags.map((t) => t.id);
const rude = tagId('rude');
const happy = tagId('happy');

/** Token ids outside `exceptIds`, whose probabilities the policy must leave alone. */
const others = (exceptIds: number[]) =>
  Array.from({ length: VOCAB_SIZE }, (_, i) => i).filter((i) => !exceptIds.includes(i));

describe('applyPolicy', () => {
  const raw = randomLogits(7);
  const before = softmax(raw);

  it.each<[string, Policy]>([
    ['ban', { happy: { mode: 'ban', boost: 0 } }],
    ['boost', { sad: { mode: 'allow', boost: 6 } }],
    ['negative boost', { angry: { mode: 'allow', boost: -8 } }],
    ['force', { scared: { mode: 'force', boost: 0 } }],
    [
      'ban and boost together',
      { happy: { mode: 'ban', boost: 0 }, neutral: { mode: 'allow', boost: 3 }, story: { mode: 'allow', boost: 5 } },
    ],
  ])('keeps each group total and every other token unchanged under %s', (_, policy) => {
    const after = softmax(applyPolicy(raw, groups, policy, null).logits);
    for (const g of groups.filter((g) => g.slotAfter === undefined)) {
      const ids = g.tags.map((t) => t.id);
      expect(sumOf(after, ids)).toBeCloseTo(sumOf(before, ids), 6);
    }
    for (const id of others(allTags(groups).map((t) => t.id))) expect(after[id]).toBeCloseTo(before[id], 6);
  });

  it('changes the distribution inside the group', () => {
    const after = softmax(applyPolicy(raw, groups, { sad: { mode: 'allow', boost: 6 } }, null).logits);
    const sad = tagId('sad');
    expect(after[sad] / sumOf(after, emotionIds)).toBeGreaterThan(before[sad] / sumOf(before, emotionIds) + 0.05);
  });

  it('gives a banned tag probability 0', () => {
    const after = softmax(applyPolicy(raw, groups, { happy: { mode: 'ban', boost: 0 } }, null).logits);
    expect(after[happy]).toBe(0);
  });

  it('moves the mass of a fully banned group to the other tokens', () => {
    const policy: Policy = Object.fromEntries(group('emotion').tags.map((t) => [t.name, { mode: 'ban', boost: 0 }]));
    const after = softmax(applyPolicy(raw, groups, policy, null).logits);
    expect(sumOf(after, emotionIds)).toBe(0);
    const rest = others(emotionIds);
    const scale = 1 / (1 - sumOf(before, emotionIds));
    for (const id of rest) expect(after[id]).toBeCloseTo(before[id] * scale, 6);
  });

  it('gives the other tags of a forced group probability 0 and the forced tag the whole group', () => {
    const after = softmax(applyPolicy(raw, groups, { angry: { mode: 'force', boost: 0 } }, null).logits);
    const angry = tagId('angry');
    for (const id of emotionIds.filter((id) => id !== angry)) expect(after[id]).toBe(0);
    expect(after[angry]).toBeCloseTo(sumOf(before, emotionIds), 6);
  });

  it('records the raw tag logits and probabilities, before the policy', () => {
    const result = applyPolicy(
      raw,
      groups,
      { happy: { mode: 'ban', boost: 0 }, sad: { mode: 'force', boost: 0 } },
      null,
    );
    const tags = allTags(groups);
    expect(result.tagLogits).toEqual(tags.map((t) => raw[t.id]));
    tags.forEach((t, i) => expect(result.tagProbs[i]).toBeCloseTo(before[t.id], 9));
    expect(result.tagProbs[tags.findIndex((t) => t.id === happy)]).toBeGreaterThan(0);
  });

  it('does not mutate its input', () => {
    const input = randomLogits(11);
    const copy = Float32Array.from(input);
    applyPolicy(input, groups, { happy: { mode: 'force', boost: 2 }, rude: { mode: 'force', boost: 0 } }, happy);
    expect(input).toEqual(copy);
  });

  describe('the <rude> slot', () => {
    it('boosts <rude> only right after an emotion tag', () => {
      const policy: Policy = { rude: { mode: 'allow', boost: 3 } };
      expect(applyPolicy(raw, groups, policy, happy).logits[rude]).toBeCloseTo(raw[rude] + 3, 5);
      for (const previous of [null, wordIds()[0], genreIds[0], rude])
        expect(applyPolicy(raw, groups, policy, previous).logits).toEqual(raw);
    });

    it('makes a forced <rude> certain right after an emotion tag, and does nothing elsewhere', () => {
      const policy: Policy = { rude: { mode: 'force', boost: 0 } };
      const after = softmax(applyPolicy(raw, groups, policy, tagId('sad')).logits);
      expect(after[rude]).toBe(1);
      expect(applyPolicy(raw, groups, policy, wordIds()[1]).logits).toEqual(raw);
    });

    it('bans <rude> at every step', () => {
      const policy: Policy = { rude: { mode: 'ban', boost: 0 } };
      for (const previous of [null, happy, wordIds()[0], genreIds[1]])
        expect(applyPolicy(raw, groups, policy, previous).logits[rude]).toBe(-Infinity);
    });
  });
});

describe('applyPolicy, property-based', () => {
  const policyTags = [...group('emotion').tags, ...group('genre').tags].map((t) => t.name);
  const rule = fc.record({
    mode: fc.constantFrom<TagMode>('allow', 'ban', 'force'),
    boost: fc.double({ min: -10, max: 10, noNaN: true }),
  });
  const policies = fc.dictionary(fc.constantFrom(...policyTags), rule);
  const logits = fc
    .array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: VOCAB_SIZE, maxLength: VOCAB_SIZE })
    .map((l) => Float32Array.from(l));

  it('preserves group totals and plain tokens, up to the mass freed by wholly banned groups', () => {
    fc.assert(
      fc.property(logits, policies, (raw, policy) => {
        const after = softmax(applyPolicy(raw, groups, policy, null).logits);
        // The mass of a wholly banned group is spread over everything else in proportion; all other
        // group totals and plain tokens are then exactly what they would be with those tags removed.
        const silenced = groups.filter(
          (g) => g.slotAfter === undefined && g.tags.every((t) => policy[t.name]?.mode === 'ban'),
        );
        const withoutSilenced = Float32Array.from(raw);
        for (const t of silenced.flatMap((g) => g.tags)) withoutSilenced[t.id] = -Infinity;
        const expected = softmax(withoutSilenced);
        for (const g of groups.filter((g) => g.slotAfter === undefined && !silenced.includes(g))) {
          const ids = g.tags.map((t) => t.id);
          expect(Math.abs(sumOf(after, ids) - sumOf(expected, ids))).toBeLessThan(1e-6);
        }
        for (const id of wordIds()) expect(Math.abs(after[id] - expected[id])).toBeLessThan(1e-6);
      }),
      { numRuns: 300 },
    );
  });
});

describe('applyPolicy, exact math', () => {
  const emotions = group('emotion').tags;
  const rule = fc.record({
    mode: fc.constantFrom<TagMode>('allow', 'allow', 'ban'),
    boost: fc.double({ min: -10, max: 10, noNaN: true }),
  });
  const logits = fc
    .array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: VOCAB_SIZE, maxLength: VOCAB_SIZE })
    .map((l) => Float32Array.from(l));
  const emotionPolicy = fc
    .array(rule, { minLength: emotions.length, maxLength: emotions.length })
    .map((rules): Policy => Object.fromEntries(emotions.map((t, i) => [t.name, rules[i]])));
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

  it('inside a group: ratios are e to the difference of adjusted logits, banned tags 0, the total kept', () => {
    fc.assert(
      fc.property(logits, emotionPolicy, (raw, policy) => {
        const allowed = emotions.filter((t) => policy[t.name].mode !== 'ban');
        fc.pre(allowed.length > 0);
        const before = softmax(raw);
        const after = softmax(applyPolicy(raw, groups, policy, null).logits);
        const adjusted = (name: string, id: number) => raw[id] + policy[name].boost;
        for (const t of emotions) if (policy[t.name].mode === 'ban') expect(after[t.id]).toBe(0);
        for (const a of allowed)
          for (const b of allowed) {
            const expected = Math.exp(adjusted(a.name, a.id) - adjusted(b.name, b.id));
            expect(relative(after[a.id] / after[b.id], expected)).toBeLessThan(1e-4);
          }
        expect(relative(sumOf(after, emotionIds), sumOf(before, emotionIds))).toBeLessThan(1e-5);
      }),
      { numRuns: 400 },
    );
  });

  it('two forced tags of one group share its total in the ratio of their adjusted logits', () => {
    fc.assert(
      fc.property(logits, fc.double({ min: -10, max: 10, noNaN: true }), (raw, boost) => {
        const policy: Policy = { sad: { mode: 'force', boost }, angry: { mode: 'force', boost: 0 } };
        const before = softmax(raw);
        const after = softmax(applyPolicy(raw, groups, policy, null).logits);
        const sad = tagId('sad');
        const angry = tagId('angry');
        for (const id of emotionIds.filter((id) => id !== sad && id !== angry)) expect(after[id]).toBe(0);
        expect(relative(after[sad] / after[angry], Math.exp(raw[sad] + boost - raw[angry]))).toBeLessThan(1e-4);
        expect(relative(after[sad] + after[angry], sumOf(before, emotionIds))).toBeLessThan(1e-5);
      }),
      { numRuns: 200 },
    );
  });

  it('at the <rude> step adds the boost to its logit exactly once and leaves every other logit alone', () => {
    fc.assert(
      fc.property(logits, fc.double({ min: -10, max: 10, noNaN: true }), (raw, boost) => {
        const hooked = applyPolicy(raw, groups, { rude: { mode: 'allow', boost } }, happy).logits;
        expect(hooked[rude]).toBeCloseTo(raw[rude] + boost, 4);
        for (const id of others([rude])) expect(hooked[id]).toBe(raw[id]);
        const forced = softmax(applyPolicy(raw, groups, { rude: { mode: 'force', boost } }, happy).logits);
        expect(forced[rude]).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});
