import type { StopReason } from '../steering/engine';
import type { ShareFork } from '../share/fork';
import type { ShareState } from '../share/state';
import type { TokenStep } from '../worker/api';

export interface Transcript {
  /** The settings the run started from, plus its full policy timeline. */
  state: ShareState;
  /** Tag names in the order of `Step.tagProbs`. */
  tags: string[];
  tokens: TokenStep[];
  backend: string;
  stopped: StopReason | 'user' | 'error' | null;
  /** The fork of the run, when one has run (`state.fork` holds its settings too). */
  fork?: ForkTranscript;
}

/** A fork as exported: its settings as the link carries them, where it parts from the run, and its own tokens. */
export interface ForkTranscript extends ShareFork {
  /** The first token index at which the fork and the run differ; null where they never do. */
  partAt: number | null;
  stopped: StopReason | 'user' | 'error' | null;
  /** The sum of its tokens' `kl`: the cost of its control over the whole fork, in nats. */
  klSum: number;
  /** Its own tokens, from index `at + 1`, each with its `kl`. */
  tokens: TokenStep[];
}
