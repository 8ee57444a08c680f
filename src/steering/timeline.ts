import type { PolicyChange } from './policy';

/** A policy change and the index of the first generated token it applied to. */
export interface TimelineEntry {
  tokenIndex: number;
  change: PolicyChange;
}
