import type { Policy } from '../steering/policy';
import type { SamplingParams } from '../steering/sampler';
import type { TimelineEntry } from '../steering/timeline';

export const SHARE_VERSION = 1;

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
}
