import { KvCacheModel } from '../../src/model/causal-lm';
import { Generation } from '../../src/steering/engine';
import type { Meter } from './timing';

type AsyncMethod = (...args: never[]) => Promise<unknown>;

/**
 * Adds up the time spent in one async method of every object that shares `prototype`: onnxruntime's
 * `InferenceSession.run` (the raw loop's sessions and the ones transformers.js makes alike), or
 * `KvCacheModel.next`. Calls never overlap here, since one generation runs at a time.
 */
export class MethodMeter<K extends string> implements Meter {
  private busyMs = 0;

  constructor(prototype: Record<K, AsyncMethod>, name: K) {
    const original = prototype[name];
    const addBusy = (ms: number) => (this.busyMs += ms);
    const timed = async function (this: unknown, ...args: never[]) {
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        addBusy(performance.now() - start);
      }
    };
    prototype[name] = timed;
  }

  read(): number {
    return this.busyMs;
  }
}

/** The meters of a thread's decode paths; call once per thread, as each wraps prototypes shared by the whole thread. */
export interface PathMeters {
  runtime: MethodMeter<'run'>;
  model: MethodMeter<'next'>;
  engine: MethodMeter<'step'>;
}

/**
 * `InferenceSession` is the onnxruntime module's session class (web or node alike): its prototype is
 * shared by every session of the thread, the raw loop's and the ones transformers.js makes.
 */
export const pathMeters = (InferenceSession: object): PathMeters => {
  // onnxruntime-common exports the class under a factory interface, which does not declare the prototype.
  const sessions = (InferenceSession as { prototype: Record<'run', AsyncMethod> }).prototype;
  return {
    runtime: new MethodMeter(sessions, 'run'),
    model: new MethodMeter(KvCacheModel.prototype, 'next'),
    engine: new MethodMeter(Generation.prototype, 'step'),
  };
};
