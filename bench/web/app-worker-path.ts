import { DEFAULT_ALARM } from '../../src/steering/alarm';
import type { Backend, RunEnd, RunRequest, StepBatch } from '../../src/worker/api';
import { connectModelWorker, remoteCallback, type ModelWorker } from '../../src/ui/worker-client';
import { POLICY, PROMPT, SAMPLING, timelineFor } from '../core/bench-settings';
import { TokenClock, meteredBetween, type TimedRun } from '../core/timing';
import { readWorkerMeters } from './worker-meters';

/**
 * Path (d) in the browser: the app's own model worker (with meters added, see `metered-model.worker.ts`),
 * driven through its comlink API exactly as the playground drives it, timed on the page as its batches
 * arrive. The worker's loop stops at end-of-text, which no policy can ban: the page starts from a seed
 * known to reach the count (see `findFullLengthSeed`), and should a run still end early, another with
 * the next seed carries on; each restart is reported as its own run.
 */
export class AppWorkerPath {
  private constructor(private readonly worker: ModelWorker) {}

  static async start(device: Backend, basePath: string): Promise<AppWorkerPath> {
    let crashed: (message: string) => void = () => {};
    const crash = new Promise<never>((_, reject) => (crashed = (message) => reject(new Error(message))));
    const worker = connectModelWorker(
      new Worker(new URL('./metered-model.worker.ts', import.meta.url), { type: 'module', name: 'tagplay-model' }),
      (message) => crashed(message),
    );
    const loaded = await Promise.race([
      worker.api.load(
        { device, basePath },
        remoteCallback(() => {}),
      ),
      crash,
    ]);
    if (loaded.backend !== device)
      throw new Error(`the app worker chose ${loaded.backend} (${loaded.reason}), not ${device}`);
    return new AppWorkerPath(worker);
  }

  async run(newTokens: number, seed: number): Promise<TimedRun[]> {
    const runs: TimedRun[] = [];
    let left = newTokens;
    for (let restart = 0; left > 0; restart++) {
      const { run, ended } = await this.once({
        prompt: PROMPT,
        seed: seed + restart,
        sampling: SAMPLING,
        maxNewTokens: left,
        initialPolicy: POLICY,
        timeline: timelineFor(left),
        pace: 0,
        alarm: DEFAULT_ALARM,
      });
      runs.push(run);
      left -= run.tokens;
      if (ended !== 'end-of-text') break;
    }
    return runs;
  }

  /** The worker's meters are read before and after the run, outside the timed span: they only move while it runs. */
  private async once(request: RunRequest): Promise<{ run: TimedRun; ended: RunEnd }> {
    const before = await readWorkerMeters();
    const clock = new TokenClock();
    const { run, ended } = await new Promise<{ run: TimedRun; ended: RunEnd }>((resolve, reject) => {
      const onBatch = (batch: StepBatch) => {
        if (batch.steps.length > 0) clock.tick(batch.steps.length);
        if (batch.ended === 'error') reject(new Error(batch.error ?? 'the run failed'));
        else if (batch.ended) resolve({ run: clock.run(), ended: batch.ended });
      };
      this.worker.api.start(request, remoteCallback(onBatch), false).catch(reject);
    });
    return { run: { ...run, meteredMs: meteredBetween(before, await readWorkerMeters()) }, ended };
  }
}
