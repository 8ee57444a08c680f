/** The words the run's and the fork's status lines, and the fault messages, share. */
import type { RunEnd } from '../worker/api';

export const tokenCount = (n: number) => `${n} token${n === 1 ? '' : 's'}`;

/** Why a run ended, as its status line says it; an error says its own message instead. */
export const ENDINGS: Record<Exclude<RunEnd, 'error'>, string> = {
  'end-of-text': 'end of text',
  'max-tokens': 'token limit',
  'context-full': 'context full',
  alarm: 'stopped by the alarm',
  user: 'stopped',
};
