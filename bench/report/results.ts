import type { Policy } from '../../src/steering/policy';
import type { SamplingParams } from '../../src/steering/sampler';
import type { TimelineEntry } from '../../src/steering/timeline';
import type { BrowserResult } from '../browser/browser-suite';
import type { NodeResult } from '../node/node-suite';
import type { Machine } from './machine';

/** Everything one `npm run bench` measured, as written to bench/results.json. */
export interface BenchResults {
  date: string;
  command: string;
  machine: Machine & { chromium: string };
  model: { name: string; parameters: number | null; layers: number; vocab: number; maxPositions: number };
  settings: {
    prompt: string;
    promptTokens: number;
    seed: number;
    sampling: SamplingParams;
    policy: Policy;
    timeline: TimelineEntry[];
    repeats: number;
    warmupTokens: number;
  };
  goals: { tagplayVsRaw: number; messagingVsRaw: number; longestFrameMs: number };
  node: NodeResult;
  browser: BrowserResult;
}
