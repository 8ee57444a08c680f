import type { HookCost } from '../core/hook-cost';
import type { TimedRun } from '../core/timing';
import type { Backend } from '../../src/worker/api';

/** The paths the bench worker times itself; (d) goes through the app's own worker instead. */
export type WorkerPath = 'raw' | 'generate' | 'tagplay';

/** The bench worker's surface, over comlink. */
export interface BenchWorkerApi {
  /** Loads the model three ways (raw session, transformers.js model, tagplay's `loadModel`) on one backend. */
  load(backend: Backend, basePath: string): Promise<void>;
  run(path: WorkerPath, newTokens: number): Promise<TimedRun>;
  hookCost(newTokens: number, passes: number): Promise<HookCost>;
  /** See `findFullLengthSeed`. */
  findSeed(newTokens: number): Promise<number | null>;
}
