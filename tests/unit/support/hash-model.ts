import type { LanguageModel } from '../../../src/steering/engine';
import { createRandom } from '../../../src/steering/random';
import { END_OF_TEXT, VOCAB_SIZE } from './fake-vocabulary';

/**
 * A stand-in language model whose logits are a pure function of the context: seeded noise from a
 * hash of the last three tokens, then `shape` for a test's own preferences. End-of-text is unlikely
 * unless a shape asks for it, so runs go on long enough to test the loop.
 */
export class HashModel implements LanguageModel {
  readonly endOfText = END_OF_TEXT;
  readonly context: number[] = [];

  constructor(
    readonly maxLength = 1024,
    private readonly shape: (logits: Float32Array, context: readonly number[]) => void = () => {},
  ) {}

  reset(): void {
    this.context.length = 0;
  }

  async next(tokens: number[]): Promise<Float32Array> {
    this.context.push(...tokens);
    let hash = 2166136261;
    for (const t of this.context.slice(-3)) hash = Math.imul(hash ^ t, 16777619);
    const random = createRandom(hash);
    const logits = Float32Array.from({ length: VOCAB_SIZE }, () => random() * 4 - 2);
    logits[END_OF_TEXT] = -10;
    this.shape(logits, this.context);
    return logits;
  }
}
