import type { Meter } from './timing';
import { WrappedModel } from './wrapped-model';

/** Passes the model through while adding up the time spent in `next()`: the KV-cache model, transformers.js and the runtime. */
export class TimedModel extends WrappedModel implements Meter {
  private busyMs = 0;

  async next(tokens: number[]): Promise<Float32Array> {
    const start = performance.now();
    try {
      return await this.inner.next(tokens);
    } finally {
      this.busyMs += performance.now() - start;
    }
  }

  read(): number {
    return this.busyMs;
  }
}
