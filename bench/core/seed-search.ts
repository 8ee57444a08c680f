import { Generation, type LanguageModel } from '../../src/steering/engine';
import type { TagGroup } from '../../src/steering/tags';
import { SEED, SEED_TRIES, generationSettings } from './bench-settings';

/**
 * The first seed from SEED whose run, exactly as the app's worker would sample it on this backend,
 * reaches `newTokens` without end-of-text; null when none of SEED_TRIES does. The app's worker cannot
 * mask end-of-text, and restarting after one would compare short contexts with (a)'s long one.
 */
export async function findFullLengthSeed(
  lm: LanguageModel,
  groups: TagGroup[],
  promptIds: number[],
  newTokens: number,
): Promise<number | null> {
  for (let seed = SEED; seed < SEED + SEED_TRIES; seed++) {
    const generation = new Generation(lm, groups, generationSettings(promptIds, seed, newTokens));
    while (await generation.step());
    if (generation.stopped === 'max-tokens') return seed;
  }
  return null;
}
