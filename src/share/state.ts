import type { MeasureSummary } from '../measure/summary';
import type { Alarm } from '../steering/alarm';
import type { Policy } from '../steering/policy';
import type { SamplingParams } from '../steering/sampler';
import type { TimelineEntry } from '../steering/timeline';
import type { ShareFork } from './fork';

/**
 * 4: a "Measure" result (its settings and summary) may travel with the run, and a fork of the run (optional).
 * 3: the alarm (what a banned tag's temptation past its threshold does) recorded; a version-2 link had none,
 * so it only marked.
 * 2: each step's draw keyed by the seed, the step and the token (version 1's sampler drew one number per
 * step from a seeded stream, so its links replay other text now), and the model and backend recorded.
 */
export const SHARE_VERSION = 4;

/** Everything needed to replay a generation exactly: what a share link carries. */
export interface ShareState {
  version: typeof SHARE_VERSION;
  prompt: string;
  seed: number;
  sampling: SamplingParams;
  maxNewTokens: number;
  initialPolicy: Policy;
  timeline: TimelineEntry[];
  /** Tokens per second; 0 means as fast as possible. */
  pace: number;
  /** The alarm at the start; changes to it during the run are in the timeline. */
  alarm: Alarm;
  /** The model's folder on the site, named by its content (`MODEL_DIR`): another model writes other text. */
  model: string;
  /** Where the run was made; null before any run. Another backend may differ in the last digits, so in a token. */
  backend: 'wasm' | 'webgpu' | null;
  /** The last "Measure" result, when the user shares it with the run. */
  measurement: SharedMeasurement | null;
  /** A fork of the run, replayed after it; a link without one has no such key. */
  fork?: ShareFork;
}

/** What a run is started with: a share state without what only describes or accompanies it. */
export type RunSettings = Omit<ShareState, 'version' | 'model' | 'backend' | 'measurement' | 'fork'>;

/** A "Measure" result as a link carries it: what was measured, and its summary (not the samples). */
export interface SharedMeasurement {
  /** Every sample's settings; the seeds run from `run.seed` up, and as many free samples on the same seeds. */
  run: RunSettings;
  samples: number;
  /** Pre-ban probability from which a banned tag counted as tempting. */
  threshold: number;
  /** Sentences after a lifted ban in which a comeback counted. */
  within: number;
  summary: MeasureSummary;
}
