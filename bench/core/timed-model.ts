import type { LanguageModel } from '../../src/steering/engine';
import type { Meter } from './timing';

/** Passes the model through while adding up the time spent in `next()`: the KV-cache model, transformers.js and the runtime. */
export class TimedModel implements LanguageModel, Meter {
  private busyMs = 0;

  constructor(private readonly inner: LanguageModel) {}

  get maxLength(): number {
    return this.inner.maxLength;
  }

  get endOfText(): number {
    return this.inner.endOfText;
  }

  reset(): void {
    this.inner.reset();
  }

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
