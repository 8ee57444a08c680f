import { describe, expect, it } from 'vitest';
import { strongestTemptation, type Alarm } from '../../src/steering/alarm';
import { Generation, type GenerationSettings, type Step } from '../../src/steering/engine';
import type { Policy } from '../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { allTags } from '../../src/steering/tags';
import type { StepBatch } from '../../src/worker/api';
import { RunLoop } from '../../src/worker/run-loop';
import { groups, tagId } from './support/fake-vocabulary';
import { HashModel } from './support/hash-model';

const TAGS = allTags(groups).map((t) => t.name);
const BAN: Policy = { happy: { mode: 'ban', boost: 0 }, sad: { mode: 'ban', boost: 0 } };

function settings(alarm?: Alarm, overrides: Partial<GenerationSettings> = {}): GenerationSettings {
  return {
    promptIds: [tagId('story'), tagId('neutral'), 12, 13],
    seed: 11,
    sampling: DEFAULT_SAMPLING,
    maxNewTokens: 150,
    initialPolicy: BAN,
    alarm,
    ...overrides,
  };
}

async function steps(generation: Generation): Promise<Step[]> {
  const out: Step[] = [];
  for (let step = await generation.step(); step; step = await generation.step()) out.push(step);
  return out;
}

/** The strongest pre-ban probability of a banned tag at each step of the run with the alarm only marking. */
async function marked(): Promise<{ steps: Step[]; peaks: number[] }> {
  const run = await steps(new Generation(new HashModel(), groups, settings({ action: 'mark', threshold: 0.5 })));
  const peaks = run.map((s) => Math.max(s.tagProbs[TAGS.indexOf('happy')], s.tagProbs[TAGS.indexOf('sad')]));
  return { steps: run, peaks };
}

/** A threshold that some step passes but the first does not, from what the model did, and the first step past it. */
async function aThreshold(): Promise<{ threshold: number; first: number; free: Step[]; peaks: number[] }> {
  const { steps: free, peaks } = await marked();
  const threshold = [...peaks].sort((a, b) => b - a)[3];
  const first = peaks.findIndex((p) => p > threshold);
  expect(first, 'the threshold is first passed after the start').toBeGreaterThan(0);
  return { threshold, first, free, peaks };
}

describe('strongestTemptation', () => {
  it('names the banned tag the model wanted most, when it passed the threshold', () => {
    const probs = TAGS.map((tag) => ({ happy: 0.3, sad: 0.4, angry: 0.9 })[tag] ?? 0);
    expect(strongestTemptation(probs, TAGS, BAN, 0.2)).toEqual({ tag: 'sad', prob: 0.4 });
    expect(strongestTemptation(probs, TAGS, BAN, 0.35)).toEqual({ tag: 'sad', prob: 0.4 });
  });

  it('says nothing when no banned tag passed it, however likely an allowed tag is', () => {
    const probs = TAGS.map((tag) => ({ happy: 0.3, sad: 0.4, angry: 0.9 })[tag] ?? 0);
    expect(strongestTemptation(probs, TAGS, BAN, 0.4)).toBeNull();
    expect(strongestTemptation(probs, TAGS, {}, 0.01)).toBeNull();
  });
});

describe('the alarm in the engine', () => {
  it('set to stop, ends the run after the first step whose banned tag passed the threshold, naming it', async () => {
    const { threshold, first, free } = await aThreshold();
    const generation = new Generation(new HashModel(), groups, settings({ action: 'stop', threshold }));
    const run = await steps(generation);
    expect(generation.stopped).toBe('alarm');
    expect(run).toHaveLength(first + 1);
    expect(run.map((s) => s.token)).toEqual(free.slice(0, first + 1).map((s) => s.token));
    const hit = run[first].alarm!;
    expect(hit).toMatchObject({ action: 'stop', threshold });
    expect(hit.prob).toBe(run[first].tagProbs[TAGS.indexOf(hit.tag)]);
    expect(hit.prob).toBeGreaterThan(threshold);
    expect(run.slice(0, first).every((s) => s.alarm === undefined)).toBe(true);
  });

  it('set to pause, writes the same text and flags every step past the threshold; marking flags none', async () => {
    const { threshold, free } = await aThreshold();
    const run = await steps(new Generation(new HashModel(), groups, settings({ action: 'pause', threshold })));
    expect(run.map((s) => s.token)).toEqual(free.map((s) => s.token));
    const tempted = (s: Step) =>
      Math.max(s.tagProbs[TAGS.indexOf('happy')], s.tagProbs[TAGS.indexOf('sad')]) > threshold;
    expect(run.map((s) => s.alarm !== undefined)).toEqual(run.map(tempted));
    expect(free.every((s) => s.alarm === undefined)).toBe(true);
  });

  it('follows an alarm changed during the run, and replays the change from the timeline', async () => {
    const { threshold, peaks } = await aThreshold();
    // From just after a step past the threshold, so that the alarm stops at a later one.
    const from = peaks.findIndex((p, i) => p > threshold && peaks.slice(i + 1).some((q) => q > threshold)) + 1;
    const live = new Generation(new HashModel(), groups, settings({ action: 'mark', threshold: 0.5 }));
    const liveSteps: Step[] = [];
    for (let step = await live.step(); step; step = await live.step()) {
      liveSteps.push(step);
      if (live.tokens.length === from) live.change({ kind: 'alarm', action: 'stop', threshold });
    }
    const expected = peaks.findIndex((p, i) => i >= from && p > threshold);
    expect(liveSteps).toHaveLength(expected + 1);
    expect(live.timeline).toEqual([{ tokenIndex: from, change: { kind: 'alarm', action: 'stop', threshold } }]);
    const replay = new Generation(
      new HashModel(),
      groups,
      settings({ action: 'mark', threshold: 0.5 }, { timeline: live.timeline }),
    );
    expect(await steps(replay)).toEqual(liveSteps);
    expect(replay.stopped).toBe('alarm');
  });
});

describe('the alarm in the run loop', () => {
  it('set to pause, pauses after the step that passed the threshold, and goes on when resumed', async () => {
    const { threshold, first, free } = await aThreshold();
    const generation = new Generation(new HashModel(), groups, settings({ action: 'pause', threshold }));
    const batches: StepBatch[] = [];
    const loop = new RunLoop(
      generation,
      (step) => ({ ...step, text: '' }),
      (b) => batches.push(b),
      4,
      0,
    );
    const done = loop.run();
    const sent = () => batches.flatMap((b) => b.steps);
    for (let i = 0; i < 2000 && !batches.at(-1)?.paused; i++) await new Promise((r) => setTimeout(r, 1));
    expect(batches.at(-1)?.paused).toBe(true);
    expect(sent()).toHaveLength(first + 1);
    expect(sent().at(-1)!.alarm).toMatchObject({ action: 'pause' });
    loop.resume();
    loop.stop();
    expect(await done).toBe('user');
    expect(sent().map((s) => s.token)).toEqual(free.slice(0, sent().length).map((s) => s.token));
  });
});
