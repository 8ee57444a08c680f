import type { TokenView } from './token-view';

export interface Temptation {
  /** Tokens where some banned tag's pre-ban probability passed the threshold. */
  count: number;
  max: number;
  mean: number;
}

/** The banned tags that tempted the model at this token: pre-ban probability above the threshold. */
export const temptations = (token: TokenView, threshold: number) => token.banned.filter((b) => b.prob > threshold);

/**
 * How often and how strongly the model wanted a banned tag; strength is the largest banned probability at each
 * marked token.
 */
export function summarizeTemptation(tokens: TokenView[], threshold: number): Temptation {
  const peaks = tokens.map((t) => Math.max(0, ...temptations(t, threshold).map((b) => b.prob))).filter((p) => p > 0);
  return {
    count: peaks.length,
    max: peaks.length > 0 ? Math.max(...peaks) : 0,
    mean: peaks.length > 0 ? peaks.reduce((a, b) => a + b, 0) / peaks.length : 0,
  };
}
