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
  /** From the start to the last token, and how much of it was spent inside onnxruntime (null where not metered). */
  wallMs: number;
  runtimeMs: number | null;
}

export interface DecodeSummary {
  /** Runs behind this figure (restarts after end-of-text count as extra runs). */
  runs: number;
  tokens: number;
  /** Tokens after the first, per second of decoding: prefill is left out, as it is in `firstTokenMs`. */
  tokensPerSecond: number;
  firstTokenMs: number;
  /** Wall time per token, prefill included, and the part of it inside onnxruntime. */
  msPerToken: number;
  runtimeMsPerToken: number | null;
}

/** Reads a cumulative runtime time; see `RuntimeMeter`. */
export interface RuntimeClock {
  read(): number;
}

/** Records token arrival times against one start, with `performance.now()` (the same clock in Node and browsers). */
export class TokenClock {
  private readonly start = performance.now();
  private readonly runtimeAtStart: number | null;
  private first = -1;
  private last = -1;
  private count = 0;
  private firstCount = 0;
  private runtimeAtLast: number | null = null;

  constructor(private readonly runtime: RuntimeClock | null = null) {
    this.runtimeAtStart = runtime?.read() ?? null;
  }

  tick(tokens = 1): void {
    const now = performance.now() - this.start;
    if (this.first < 0) {
      this.first = now;
      this.firstCount = tokens;
    }
    this.last = now;
    this.count += tokens;
    this.runtimeAtLast = this.runtime?.read() ?? null;
  }

  run(): TimedRun {
    const runtimeMs = this.runtimeAtLast === null || this.runtimeAtStart === null ? null : this.runtimeAtLast - this.runtimeAtStart;
    return { tokens: this.count, firstMs: this.first, decodedTokens: this.count - this.firstCount, decodeMs: this.last - this.first, wallMs: this.last, runtimeMs };
  }
}

/** Pools runs: decode rate over all tokens after each run's first arrival, first-token time of the first run. */
export function summarize(runs: TimedRun[]): DecodeSummary {
  const sum = (pick: (r: TimedRun) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const tokens = sum((r) => r.tokens);
  const decodeMs = sum((r) => r.decodeMs);
  const metered = runs.every((r) => r.runtimeMs !== null);
  return {
    runs: runs.length,
    tokens,
    tokensPerSecond: decodeMs > 0 ? (sum((r) => r.decodedTokens) * 1000) / decodeMs : 0,
    firstTokenMs: runs[0]?.firstMs ?? 0,
    msPerToken: sum((r) => r.wallMs) / tokens,
    runtimeMsPerToken: metered ? sum((r) => r.runtimeMs ?? 0) / tokens : null,
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
