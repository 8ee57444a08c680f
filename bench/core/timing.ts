/**
 * One generation as timed by its caller: tokens produced, time to the first one (prompt prefill
 * included), and the time from the first token to the last. A path that must restart after an early
 * end-of-text reports one run per restart.
 */
export interface TimedRun {
  tokens: number;
  firstMs: number;
  /** Tokens that arrived after the first arrival, and the time they took: batched paths deliver several at once. */
  decodedTokens: number;
  decodeMs: number;
}

export interface DecodeSummary {
  /** Runs behind this figure (restarts after end-of-text count as extra runs). */
  runs: number;
  tokens: number;
  /** Tokens after the first, per second of decoding: prefill is left out, as it is in `firstTokenMs`. */
  tokensPerSecond: number;
  firstTokenMs: number;
}

/** Records token arrival times against one start, with `performance.now()` (the same clock in Node and browsers). */
export class TokenClock {
  private readonly start = performance.now();
  private first = -1;
  private last = -1;
  private count = 0;
  private firstCount = 0;

  tick(tokens = 1): void {
    const now = performance.now() - this.start;
    if (this.first < 0) {
      this.first = now;
      this.firstCount = tokens;
    }
    this.last = now;
    this.count += tokens;
  }

  run(): TimedRun {
    return { tokens: this.count, firstMs: this.first, decodedTokens: this.count - this.firstCount, decodeMs: this.last - this.first };
  }
}

/** Pools runs: decode rate over all tokens after each run's first arrival, first-token time of the first run. */
export function summarize(runs: TimedRun[]): DecodeSummary {
  const decoded = runs.reduce((sum, r) => sum + r.decodedTokens, 0);
  const decodeMs = runs.reduce((sum, r) => sum + r.decodeMs, 0);
  return {
    runs: runs.length,
    tokens: runs.reduce((sum, r) => sum + r.tokens, 0),
    tokensPerSecond: decodeMs > 0 ? (decoded * 1000) / decodeMs : 0,
    firstTokenMs: runs[0]?.firstMs ?? 0,
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
