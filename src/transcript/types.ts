import type { Step, StopReason } from '../steering/engine';
import type { ShareState } from '../share/state';

/** One generated token as the UI shows it and the transcript exports it. */
export interface TranscriptToken extends Step {
  /** The token's text (tags appear as `<name>`). */
  text: string;
}

export interface Transcript {
  /** The settings the run started from, plus its full policy timeline. */
  state: ShareState;
  /** Tag names in the order of `Step.tagProbs`. */
  tags: string[];
  tokens: TranscriptToken[];
  backend: string;
  stopped: StopReason | 'user' | 'error' | null;
}
