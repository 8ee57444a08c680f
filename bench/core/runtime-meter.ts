import type { Meter } from './timing';

/** The one method of an onnxruntime `InferenceSession` the meter wraps; every flavour has it. */
interface Runnable {
  run(...args: never[]): Promise<unknown>;
}

/**
 * Time spent inside `InferenceSession.run`, for every session of one onnxruntime module (the raw
 * loop's and the ones transformers.js makes alike): the rest of a path's time is overhead above the
 * runtime, ours or transformers.js's.
 */
export class RuntimeMeter implements Meter {
  private busyMs = 0;

  /** Wraps `run` on the prototype that `session` shares with every session of its module; calls never overlap here. */
  constructor(session: Runnable) {
    // getPrototypeOf is typed `any`; a session's prototype is where its `run` lives.
    const prototype: Runnable = Object.getPrototypeOf(session);
    const original = prototype.run;
    const meter = this;
    prototype.run = async function (this: Runnable, ...args: never[]) {
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        meter.busyMs += performance.now() - start;
      }
    };
  }

  read(): number {
    return this.busyMs;
  }
}
