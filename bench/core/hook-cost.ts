import type { LanguageModel } from '../../src/steering/engine';
import { applyPolicy } from '../../src/steering/hook';
import { createRandom } from '../../src/steering/random';
import { alternatives, sampleToken } from '../../src/steering/sampler';
import type { TagGroup } from '../../src/steering/tags';
import { POLICY, SAMPLING, SEED } from './bench-settings';
import { benchGeneration } from './tagplay-path';
import { WrappedModel } from './wrapped-model';

/** The raw logits of each step of a real run, and the token before each, to replay without the model. */
export interface RecordedSteps {
  logits: Float32Array[];
  previous: number[];
}

/** Passes the model's logits through while keeping them. */
class RecordingModel extends WrappedModel {
  readonly logits: Float32Array[] = [];

  async next(tokens: number[]): Promise<Float32Array> {
    const logits = await this.inner.next(tokens);
    this.logits.push(Float32Array.from(logits));
    return logits;
  }
}

export async function recordSteps(
  lm: LanguageModel,
  groups: TagGroup[],
  promptIds: number[],
  newTokens: number,
): Promise<RecordedSteps> {
  const recorder = new RecordingModel(lm);
  const generation = benchGeneration(recorder, groups, promptIds, newTokens);
  while (await generation.step());
  return { logits: recorder.logits, previous: [promptIds.at(-1) ?? lm.endOfText, ...generation.tokens.slice(0, -1)] };
}

export interface HookCost {
  tokens: number;
  /** Microseconds per token: the sampler alone, the hook plus the sampler, and that plus the top-5 the engine records. */
  samplerUs: number;
  hookAndSamplerUs: number;
  engineStepUs: number;
  /** hookAndSamplerUs − samplerUs. */
  hookUs: number;
}

/**
 * Microseconds per token of each variant, over all recorded steps: the variants take turns pass by
 * pass (after one untimed pass each), and each keeps its fastest pass, since other work on the
 * machine only ever slows a pass down.
 */
function timePerToken(steps: RecordedSteps, passes: number, variants: ((i: number) => void)[]): number[] {
  const count = steps.logits.length;
  const pass = (perToken: (i: number) => void) => {
    const start = performance.now();
    for (let i = 0; i < count; i++) perToken(i);
    return ((performance.now() - start) * 1000) / count;
  };
  for (const variant of variants) pass(variant);
  const best = variants.map(() => Infinity);
  for (let p = 0; p < passes; p++) variants.forEach((v, k) => (best[k] = Math.min(best[k], pass(v))));
  return best;
}

/** Hook on vs off over the same recorded logits, so the model's time and its variance are out of the figure. */
export function measureHookCost(steps: RecordedSteps, groups: TagGroup[], passes: number): HookCost {
  const random = createRandom(SEED);
  const hooked = (i: number) => applyPolicy(steps.logits[i], groups, POLICY, steps.previous[i]).logits;
  const [samplerUs, hookAndSamplerUs, engineStepUs] = timePerToken(steps, passes, [
    (i) => sampleToken(steps.logits[i], SAMPLING, random),
    (i) => sampleToken(hooked(i), SAMPLING, random),
    // What `Generation.step` does with the logits: hook, sample, and record the top 5.
    (i) => {
      const logits = hooked(i);
      sampleToken(logits, SAMPLING, random);
      alternatives(logits, 5);
    },
  ]);
  return {
    tokens: steps.logits.length,
    samplerUs,
    hookAndSamplerUs,
    engineStepUs,
    hookUs: hookAndSamplerUs - samplerUs,
  };
}
