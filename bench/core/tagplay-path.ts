import { Generation, type LanguageModel } from '../../src/steering/engine';
import type { TagGroup } from '../../src/steering/tags';
import { SEED, generationSettings } from './bench-settings';
import { EndlessModel } from './endless-model';
import { TokenClock, type Meters, type TimedRun } from './timing';

/** A generation as the app runs it: hook with a live policy, seeded sampling, no end-of-text. */
export const benchGeneration = (
  lm: LanguageModel,
  groups: TagGroup[],
  promptIds: number[],
  newTokens: number,
): Generation => new Generation(new EndlessModel(lm), groups, generationSettings(promptIds, SEED, newTokens));

/** Path (c): tagplay's `Generation.step()` loop (KV cache through transformers.js, hook, sampler, tag probabilities). */
export async function tagplayDecode(
  lm: LanguageModel,
  groups: TagGroup[],
  promptIds: number[],
  newTokens: number,
  meters: Meters,
): Promise<TimedRun> {
  const generation = benchGeneration(lm, groups, promptIds, newTokens);
  const clock = new TokenClock(meters);
  while (await generation.step()) clock.tick();
  return clock.run();
}
