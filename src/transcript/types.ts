import type { StopReason } from '../steering/engine';
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
}
