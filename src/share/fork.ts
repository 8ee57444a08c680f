import type { Alarm } from '../steering/alarm';
import type { Policy } from '../steering/policy';
import type { TimelineEntry } from '../steering/timeline';

/**
 * A fork of the shared run, as a share link carries it: it goes on from the run's prompt and tokens 0…`at`, with
 * the run's seed, sampling and step numbering (its step i draws with the run's randomness of step i), under its
 * own policy. Its tokens are not carried: the link replays the run, then the fork.
 */
export interface ShareFork {
  /** The index of the run's token the fork goes on after. */
  at: number;
  /** Tokens in all, the shared ones (`at + 1`) counted, as the run's `maxNewTokens`. */
  maxNewTokens: number;
  initialPolicy: Policy;
  /** The alarm at the fork's start; changes to it are in its timeline. */
  alarm: Alarm;
  /** Changes made during the fork, at token indices after `at`. */
  timeline: TimelineEntry[];
}
