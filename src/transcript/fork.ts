import type { Alarm } from '../steering/alarm';
import type { Policy } from '../steering/policy';
import type { TimelineEntry } from '../steering/timeline';

/**
 * Where a fork parts from the run it forks: the first token index after `at` at which the two differ, where a run
 * that has ended before an index differs from one that has a token there. Null while they agree as far as both
 * have gone, or when both ended at the same length with the same tokens.
 */
export function partPoint(
  original: { tokens: readonly { token: number }[]; ended: boolean },
  fork: { tokens: readonly { index: number; token: number }[]; ended: boolean },
  at: number,
): number | null {
  for (const step of fork.tokens) {
    const theirs = original.tokens[step.index];
    if (theirs === undefined) return original.ended ? step.index : null;
    if (theirs.token !== step.token) return step.index;
  }
  const end = at + 1 + fork.tokens.length;
  return fork.ended && original.tokens.length > end ? end : null;
}

/** The policy token `at` was drawn under, from the steps' `applied` (each step says it whenever it changed). */
export function policyAt(tokens: readonly { applied?: Policy }[], at: number): Policy {
  for (let i = Math.min(at, tokens.length - 1); i >= 0; i--) {
    const applied = tokens[i].applied;
    if (applied) return applied;
  }
  return {};
}

/** The alarm in force for token `at`: the run's first, then the changes to it recorded up to that token. */
export function alarmAt(start: Alarm, timeline: readonly TimelineEntry[], at: number): Alarm {
  let alarm = start;
  for (const { tokenIndex, change } of timeline)
    if (tokenIndex <= at && change.kind === 'alarm') alarm = { action: change.action, threshold: change.threshold };
  return alarm;
}

/** The running sum of per-token costs: entry i is the sum of the first i + 1. */
export function runningSum(values: readonly number[]): number[] {
  let sum = 0;
  return values.map((value) => (sum += value));
}
