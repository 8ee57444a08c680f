import type { HookCost } from '../core/hook-cost';
import type { PathResult, Ratios } from '../core/suite';
import type { Backend } from '../../src/worker/api';
import type { FrameStats } from './frame-monitor';

export interface SuiteOptions {
  backend: Backend;
  newTokens: number;
  repeats: number;
  warmupTokens: number;
  /** Passes over the recorded steps for the hook cost; 0 skips it. */
  hookPasses: number;
}

export interface PageSuiteResult {
  backend: Backend;
  /** The WebGPU adapter's vendor and architecture, when there is one. */
  adapter: string | null;
  paths: PathResult[];
  ratios: Ratios;
  hook: HookCost | null;
  /** The seed (d) and the playground stream from: the first to reach the count without end-of-text, or null if none did. */
  seed: number | null;
  /** The bench page's main thread during the timed (d) runs: messaging only, no rendering. */
  frames: FrameStats;
  userAgent: string;
  hardwareConcurrency: number;
}

/** What the bench page offers to the Node side, as `window.tagplayBench`. */
export interface PageBench {
  suite(options: SuiteOptions): Promise<PageSuiteResult>;
}
