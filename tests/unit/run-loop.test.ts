import { describe, expect, it } from 'vitest';
import { Generation } from '../../src/steering/engine';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import type { StepBatch } from '../../src/worker/api';
import { RunLoop } from '../../src/worker/run-loop';
import { groups, tagId } from './support/fake-vocabulary';
import { HashModel } from './support/hash-model';

/** A HashModel whose steps can be held at a gate, or made to fail at one token index. */
class GatedModel extends HashModel {
  calls = 0;
  /** The step with this index (or every step, with `true`) waits for `release`. */
  hold: number | boolean = false;
  failAt: number | null = null;
  private open: (() => void) | null = null;

  override async next(tokens: number[]): Promise<Float32Array> {
    const index = this.calls++;
    if (this.failAt === index) throw new Error('the step failed');
    if (this.hold === true || this.hold === index) await new Promise<void>((resolve) => (this.open = resolve));
    return super.next(tokens);
  }

  get waiting(): boolean {
    return this.open !== null;
  }

  release(): void {
    const open = this.open;
    this.open = null;
    open?.();
  }
}

/** Lets the loop's microtasks and message-channel yields run until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(done(), 'the awaited state was reached').toBe(true);
}

function setUp(maxNewTokens = 40, prefix?: number[]) {
  const model = new GatedModel();
  const generation = new Generation(model, groups, {
    promptIds: [tagId('story'), 12],
    seed: 3,
    sampling: DEFAULT_SAMPLING,
    maxNewTokens,
    initialPolicy: {},
    prefix,
  });
  const batches: StepBatch[] = [];
  const loop = new RunLoop(
    generation,
    (step) => ({ ...step, text: `${step.token}` }),
    (b) => batches.push(b),
    2,
    0,
  );
  const steps = () => batches.flatMap((b) => b.steps);
  const timeline = () => batches.flatMap((b) => b.timeline);
  return { model, generation, loop, batches, steps, timeline };
}

describe('RunLoop', () => {
  it('sends every step and ends with the generation’s reason', async () => {
    const { loop, batches, steps } = setUp(25);
    expect(await loop.run()).toBe('max-tokens');
    expect(steps().map((s) => s.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(batches.at(-1)).toMatchObject({ ended: 'max-tokens', paused: false, promptLength: 2 });
    expect(batches.slice(0, -1).every((b) => b.ended === null)).toBe(true);
  });

  it('reads a fork’s prefix first, heeding a stop in the middle of it, and numbers its steps after it', async () => {
    const prefix = Array.from({ length: 30 }, (_, i) => 12 + (i % 5));
    const stopped = setUp(40, prefix);
    stopped.model.hold = 10;
    const done = stopped.loop.run();
    await until(() => stopped.model.waiting);
    stopped.loop.stop();
    stopped.model.release();
    expect(await done).toBe('user');
    expect(stopped.model.calls).toBeLessThan(prefix.length);
    expect(stopped.steps()).toEqual([]);

    const whole = setUp(40, prefix);
    expect(await whole.loop.run()).toBe('max-tokens');
    expect(whole.steps().map((s) => s.index)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
  });

  it('applies a change that arrives during a step to that very step, and records it there', async () => {
    const { model, loop, steps, timeline } = setUp();
    model.hold = 3;
    const done = loop.run();
    await until(() => model.waiting);
    loop.change({ kind: 'insert', tag: 'angry' });
    model.release();
    loop.stop();
    await done;
    expect(timeline()).toEqual([{ tokenIndex: 3, change: { kind: 'insert', tag: 'angry' } }]);
    const step = steps()[3];
    expect(step).toMatchObject({ token: tagId('angry'), inserted: true, policyVersion: 1 });
    expect(steps()[2].policyVersion).toBe(0);
  });

  it('sends a change made while paused at once, and applies it to the next step', async () => {
    const { loop, batches, steps, timeline } = setUp();
    loop.stepOnce();
    const done = loop.run();
    await until(() => steps().length === 1 && batches.at(-1)!.paused);
    const sent = batches.length;
    loop.change({ kind: 'mode', tag: 'happy', mode: 'ban' });
    expect(batches.length).toBe(sent + 1);
    expect(batches.at(-1)).toMatchObject({
      steps: [],
      paused: true,
      liveChanges: 1,
      policy: { happy: { mode: 'ban', boost: 0 } },
    });
    expect(timeline()).toEqual([{ tokenIndex: 1, change: { kind: 'mode', tag: 'happy', mode: 'ban' } }]);
    loop.stepOnce();
    await until(() => steps().length === 2);
    expect(steps()[1]).toMatchObject({ policyVersion: 1, applied: { happy: { mode: 'ban', boost: 0 } } });
    loop.stop();
    expect(await done).toBe('user');
  });

  it('steps exactly one token per stepOnce, and stops while paused', async () => {
    const { loop, batches, steps } = setUp();
    loop.stepOnce();
    const done = loop.run();
    await until(() => steps().length === 1 && batches.at(-1)!.paused);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(steps()).toHaveLength(1);
    loop.stepOnce();
    await until(() => steps().length === 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(steps()).toHaveLength(2);
    loop.stop();
    expect(await done).toBe('user');
    expect(batches.at(-1)).toMatchObject({ ended: 'user', paused: false });
  });

  it('keeps a change that arrives after the end apart, out of the timeline', async () => {
    const { loop, generation, batches } = setUp(5);
    expect(await loop.run()).toBe('max-tokens');
    const sent = batches.length;
    loop.change({ kind: 'mode', tag: 'sad', mode: 'force' });
    expect(loop.late).toEqual([{ kind: 'mode', tag: 'sad', mode: 'force' }]);
    expect(generation.timeline).toEqual([]);
    expect(batches.length).toBe(sent);
  });

  it('ends with the error of a failing step, after the steps before it', async () => {
    const { model, loop, batches, steps } = setUp();
    model.failAt = 6;
    expect(await loop.run()).toBe('error');
    expect(steps()).toHaveLength(6);
    expect(batches.at(-1)).toMatchObject({ ended: 'error', error: 'the step failed', errorKind: 'generation' });
  });

  it('ends a step that never returns when told to fail', async () => {
    const { model, loop, batches } = setUp();
    model.hold = true;
    const done = loop.run();
    await until(() => model.waiting);
    loop.fail(new Error('device lost'));
    expect(await done).toBe('error');
    expect(batches.at(-1)).toMatchObject({ ended: 'error', error: 'device lost' });
  });
});
