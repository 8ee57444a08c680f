import { describe, expect, it } from 'vitest';
import type { GeneratedSentence, Sample } from '../../src/measure/samples';
import { distinct2, summarize } from '../../src/measure/summary';

const sentence = (opener: number, modelTag: string, label: string, angry: number, text = 'a b'): GeneratedSentence =>
  ({
    modelTag,
    modelRude: false,
    tagProbs: { angry, calm: 1 - angry },
    opener,
    text,
    label,
    rude: false,
  }) as GeneratedSentence;
const sample = (seed: number, sentences: GeneratedSentence[]): Sample => ({ seed, text: '', sentences });

describe("a measurement's summary", () => {
  const steered = [
    sample(1, [
      sentence(0, 'calm', 'calm', 0.6),
      sentence(10, 'calm', 'angry', 0.1),
      sentence(20, 'angry', 'angry', 0.3),
    ]),
    sample(2, [
      sentence(0, 'calm', 'calm', 0.05),
      sentence(25, 'calm', 'calm', 0.2),
      sentence(30, 'calm', 'calm', 0.2),
    ]),
  ];
  const free = [sample(1, [sentence(0, 'angry', 'angry', 0.7)]), sample(2, [sentence(0, 'calm', 'calm', 0.3)])];
  const summary = summarize(steered, free, {
    tags: ['angry', 'calm'],
    policy: { angry: { mode: 'ban', boost: 0 } },
    timeline: [{ tokenIndex: 15, change: { kind: 'mode', tag: 'angry', mode: 'allow' } }],
    threshold: 0.5,
    within: 1,
  });

  it('counts shares by the tagger and by the model, under the policy and free', () => {
    expect(summary.shares[0]).toEqual({
      tag: 'angry',
      tagger: 2 / 6,
      model: 1 / 6,
      freeTagger: 1 / 2,
      freeModel: 1 / 2,
    });
  });

  it('counts temptation only where the tag was banned, against the threshold, in a histogram', () => {
    // Banned before token 15: the sentences opened at 0, 10 (sample 1) and 0 (sample 2).
    expect(summary.temptation).toEqual([
      { tag: 'angry', sentences: 3, tempted: 1, histogram: [1, 1, 0, 0, 0, 0, 1, 0, 0, 0] },
    ]);
  });

  it('counts a comeback within k sentences of the lifted ban', () => {
    // After token 15, the first sentence: angry in sample 1, calm in sample 2.
    expect(summary.comeback).toEqual([{ tag: 'angry', liftedAt: 15, samples: 2, cameBack: 1, within: 1 }]);
  });

  it('gives distinct-2 as distinct word pairs over all pairs', () => {
    expect(distinct2([sample(1, [sentence(0, 'calm', 'calm', 0, 'the cat the cat')])])).toBe(2 / 3);
    // Each steered sample reads "a b a b a b": five pairs, two distinct, across both samples 2 of 10.
    expect(summary.distinct2).toBe(2 / 10);
  });
});
