import { WrappedModel } from './wrapped-model';

/**
 * Wraps the model so end-of-text can never be sampled: the engine would stop there, and the benchmark
 * needs exactly the asked-for number of tokens. Costs one store per token.
 */
export class EndlessModel extends WrappedModel {
  async next(tokens: number[]): Promise<Float32Array> {
    const logits = await this.inner.next(tokens);
    logits[this.inner.endOfText] = -Infinity;
    return logits;
  }
}
