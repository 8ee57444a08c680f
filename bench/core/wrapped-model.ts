import type { LanguageModel } from '../../src/steering/engine';

/** Passes a model through; a subclass changes what `next()` does around the inner model's. */
export abstract class WrappedModel implements LanguageModel {
  constructor(protected readonly inner: LanguageModel) {}

  get maxLength(): number {
    return this.inner.maxLength;
  }

  get endOfText(): number {
    return this.inner.endOfText;
  }

  reset(): void {
    this.inner.reset();
  }

  abstract next(tokens: number[]): Promise<Float32Array>;
}
