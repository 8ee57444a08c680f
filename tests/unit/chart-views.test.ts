import { describe, expect, it } from 'vitest';
import { rawSeries, shareSeries } from '../../src/ui/chart-views';

const TAGS = ['story', 'happy', 'sad', 'angry', 'rude'];
const OPENING = ['happy', 'sad', 'angry'];
const step = (probs: number[]) => ({ tagProbs: probs, tagLogits: probs.map((p) => Math.log(p)) });

describe('shareSeries', () => {
  it("stacks each opening tag's share of their probability, in the tags' order", () => {
    const steps = [step([0.5, 0.02, 0.01, 0.01, 0.3]), step([0.1, 0.0003, 0.0006, 0.0001, 0])];
    const series = shareSeries(steps, TAGS, OPENING);
    expect(series.map((s) => s.tag)).toEqual(OPENING);
    expect(series.map((s) => s.value[0])).toEqual([0.5, 0.25, 0.25]);
    expect(series.map((s) => s.value[1]).map((v) => v!.toFixed(3))).toEqual(['0.300', '0.600', '0.100']);
    expect(series.map((s) => s.y[0])).toEqual([0.5, 0.75, 1]);
    expect(series[2].y[1]).toBeCloseTo(1, 12);
  });

  it('leaves a gap where the opening tags have no probability at all', () => {
    const series = shareSeries([step([1, 0, 0, 0, 0])], TAGS, OPENING);
    expect(series.flatMap((s) => [s.y[0], s.value[0]])).toEqual([null, null, null, null, null, null]);
  });
});

describe('rawSeries', () => {
  it('gives every tag its probability or logit as recorded', () => {
    const steps = [step([0.5, 0.02, 0.01, 0.01, 0.3])];
    expect(rawSeries(steps, TAGS, 'prob').map((s) => s.y[0])).toEqual([0.5, 0.02, 0.01, 0.01, 0.3]);
    expect(rawSeries(steps, TAGS, 'logit')[1].value[0]).toBe(Math.log(0.02));
  });
});
