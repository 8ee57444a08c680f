import { StoppingCriteria, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { TokenClock, type Meters, type TimedRun } from './timing';

/**
 * Ticks the clock once per generated token. `generate()` consults its stopping criteria right after
 * sampling each token; a streamer would do too, but the library's typings accept only its text
 * streamer, which decodes text on every token.
 */
class ClockCriterion extends StoppingCriteria {
  constructor(private readonly clock: TokenClock) {
    super();
  }

  override _call(inputIds: number[][]): boolean[] {
    this.clock.tick(inputIds.length);
    return inputIds.map(() => false);
  }
}

/**
 * Path (b): transformers.js `generate()` with no hook, greedy, and `min_new_tokens` equal to
 * `max_new_tokens` so an early end-of-text cannot cut the run short.
 */
export async function hfGenerate(
  model: PreTrainedModel,
  promptIds: number[],
  newTokens: number,
  meters: Meters,
): Promise<TimedRun> {
  const clock = new TokenClock(meters);
  await model.generate({
    inputs: new Tensor('int64', BigInt64Array.from(promptIds, BigInt), [1, promptIds.length]),
    max_new_tokens: newTokens,
    min_new_tokens: newTokens,
    do_sample: false,
    stopping_criteria: [new ClockCriterion(clock)],
  });
  return clock.run();
}
