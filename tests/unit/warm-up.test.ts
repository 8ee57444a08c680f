import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../src/steering/engine';
import { WarmUp } from '../../src/worker/warm-up';

/** A model that logs what it is asked, and whose steps wait until released, as real steps take time. */
class LoggingModel implements LanguageModel {
  readonly log: string[] = [];
  readonly endOfText = 0;
  private release: (() => void)[] = [];
  constructor(
    readonly maxLength: number,
    private readonly failAt = -1,
  ) {}

  async next(tokens: number[]): Promise<Float32Array> {
    const step = this.log.filter((l) => l.startsWith('next')).length;
    this.log.push(`next ${tokens.join(',')}`);
    await new Promise<void>((resolve) => this.release.push(resolve));
    if (step === this.failAt) throw new Error('step failed');
    return new Float32Array(1);
  }

  reset(): void {
    this.log.push('reset');
  }

  /** Lets every waiting step finish, and the warm-up go on to its next step. */
  async tick(): Promise<void> {
    const waiting = this.release;
    this.release = [];
    for (const resolve of waiting) resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Lets the warm-up step until it has reset the model, which it does last. */
async function runOut(model: LoggingModel): Promise<void> {
  for (let ticks = 0; ticks < 1000 && !model.log.includes('reset'); ticks++) await model.tick();
}

describe('WarmUp', () => {
  it('decodes one token per step on a growing cache, then resets the model', async () => {
    const model = new LoggingModel(384);
    new WarmUp(model, 5);
    await runOut(model);
    expect(model.log).toEqual(['next 0', 'next 0', 'next 0', 'next 0', 'next 0', 'reset']);
  });

  it('never asks for more positions than the model has', async () => {
    const model = new LoggingModel(3);
    new WarmUp(model, 10);
    await runOut(model);
    expect(model.log).toEqual(['next 0', 'next 0', 'next 0', 'reset']);
  });

  it('stop() ends it after the step under way, and resolves once the model is reset', async () => {
    const model = new LoggingModel(384);
    const warmUp = new WarmUp(model, 100);
    await model.tick();
    await model.tick();
    let stopped = false;
    const stopping = warmUp.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stopped).toBe(false);
    await model.tick();
    await stopping;
    expect(model.log).toEqual(['next 0', 'next 0', 'next 0', 'reset']);
  });

  it('a failing step ends it quietly, with the model reset and stop() resolving', async () => {
    const model = new LoggingModel(384, 1);
    const warmUp = new WarmUp(model, 100);
    await model.tick();
    await model.tick();
    await expect(warmUp.stop()).resolves.toBeUndefined();
    expect(model.log).toEqual(['next 0', 'next 0', 'reset']);
  });
});
