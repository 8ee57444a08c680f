import type { Policy } from './policy';

/** What happens when a banned tag's pre-ban probability passes the threshold. */
export type AlarmAction = 'mark' | 'pause' | 'stop';

export const ALARM_ACTIONS: readonly AlarmAction[] = ['mark', 'pause', 'stop'];

export interface Alarm {
  action: AlarmAction;
  /** Pre-ban probability a banned tag must pass. */
  threshold: number;
}

export const DEFAULT_ALARM: Alarm = { action: 'mark', threshold: 0.2 };

/** A banned tag that passed the alarm's threshold at one step, and the alarm then in force. */
export interface AlarmHit extends Alarm {
  tag: string;
  /** Its probability before the ban. */
  prob: number;
}

/**
 * The banned tag the model wanted most at a step, when its pre-ban probability passes the threshold.
 * `tagProbs` are in the order of `tags`.
 */
export function strongestTemptation(
  tagProbs: readonly number[],
  tags: readonly string[],
  policy: Policy,
  threshold: number,
): { tag: string; prob: number } | null {
  let best: { tag: string; prob: number } | null = null;
  tags.forEach((tag, i) => {
    const prob = tagProbs[i];
    if (policy[tag]?.mode === 'ban' && prob > threshold && (best === null || prob > best.prob)) best = { tag, prob };
  });
  return best;
}
