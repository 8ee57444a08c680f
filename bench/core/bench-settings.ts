import type { GenerationSettings } from '../../src/steering/engine';
import type { Policy } from '../../src/steering/policy';
import { DEFAULT_SAMPLING, type SamplingParams } from '../../src/steering/sampler';
import type { TimelineEntry } from '../../src/steering/timeline';

/** What every path generates from: the app's default prompt and sampling, and a fixed seed. */
export const PROMPT = '<story><happy>Once upon a time';
export const SEED = 1;
export const SAMPLING: SamplingParams = { ...DEFAULT_SAMPLING };
/** The token count; the model's 384 positions leave room for it after the prompt. */
export const NEW_TOKENS = 256;
/** WebGPU on SwiftShader runs a few tokens a second, so its runs are this short. */
export const WEBGPU_TOKENS = 16;
/** Tokens generated (and thrown away) per path before timing, so JIT and allocations settle first. */
export const WARMUP_TOKENS = 16;

/**
 * A live policy that bans nothing essential: a boost and a ban in the emotion group from the start,
 * and a change half-way so the timeline replay runs too. Every step then rescales a tag group.
 */
export const POLICY: Policy = { happy: { mode: 'allow', boost: 2 }, angry: { mode: 'ban', boost: 0 } };
export const timelineFor = (newTokens: number): TimelineEntry[] => [
  { tokenIndex: Math.floor(newTokens / 2), change: { kind: 'boost', tag: 'sad', boost: 1 } },
];

/** The engine settings every tagplay path runs with. */
export const generationSettings = (promptIds: number[], seed: number, newTokens: number): GenerationSettings => ({
  promptIds,
  seed,
  sampling: SAMPLING,
  maxNewTokens: newTokens,
  initialPolicy: POLICY,
  timeline: timelineFor(newTokens),
});

/** Seeds tried, from SEED on, for a run that reaches the token count before end-of-text (see `findFullLengthSeed`). */
export const SEED_TRIES = 20;
