import type { LanguageModel } from '../../src/steering/engine';

/**
 * Wraps the model so end-of-text can never be sampled: the engine would stop there, and the benchmark
 * needs exactly the asked-for number of tokens. Costs one store per token.
 */
export class EndlessModel implements LanguageModel {
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
    const logits = await this.inner.next(tokens);
    logits[this.inner.endOfText] = -Infinity;
    return logits;
  }
}
