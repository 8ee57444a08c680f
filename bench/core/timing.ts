/** A cumulative time in ms that only grows: see `MethodMeter`. */
export interface Meter {
  read(): number;
}

/**
 * What a path's time per token is split by: `runtime` is the time inside onnxruntime's `run()`,
 * `model` the time inside `KvCacheModel.next()` (runtime included), `engine` the time inside
 * `Generation.step()` (model included).
 */
export type MeterName = 'runtime' | 'model' | 'engine';
export type Meters = Partial<Record<MeterName, Meter>>;
export type MeterReadings = Partial<Record<MeterName, number>>;

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
  /** From the start to the last token, and how much of it each meter saw. */
  wallMs: number;
  meteredMs: MeterReadings;
}

export interface DecodeSummary {
  /** Runs behind this figure (restarts after end-of-text count as extra runs). */
  runs: number;
  tokens: number;
  /** Tokens after the first, per second of decoding: prefill is left out, as it is in `firstTokenMs`. */
  tokensPerSecond: number;
  firstTokenMs: number;
  /** Wall time per token, prefill included, and each meter's part of it. */
  msPerToken: number;
  meteredMsPerToken: MeterReadings;
}

/** Every meter's current total. */
export const readAll = (meters: Meters): MeterReadings =>
  Object.fromEntries(Object.entries(meters).map(([name, meter]) => [name, meter.read()]));

/** Records token arrival times against one start, with `performance.now()` (the same clock in Node and browsers). */
export class TokenClock {
  private readonly start = performance.now();
  private readonly atStart: MeterReadings;
  private atLast: MeterReadings;
  private first = -1;
  private last = -1;
  private count = 0;
  private firstCount = 0;

  constructor(private readonly meters: Meters = {}) {
    this.atStart = readAll(meters);
    this.atLast = this.atStart;
  }

  tick(tokens = 1): void {
    const now = performance.now() - this.start;
    if (this.first < 0) {
      this.first = now;
      this.firstCount = tokens;
    }
    this.last = now;
    this.count += tokens;
    this.atLast = readAll(this.meters);
  }

  run(): TimedRun {
    return {
      tokens: this.count,
      firstMs: this.first,
      decodedTokens: this.count - this.firstCount,
      decodeMs: this.last - this.first,
      wallMs: this.last,
      meteredMs: meteredBetween(this.atStart, this.atLast),
    };
  }
}

/** What each meter added between two readings. */
export const meteredBetween = (before: MeterReadings, after: MeterReadings): MeterReadings =>
  Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - (before[name as MeterName] ?? 0)]));

/** Pools runs: decode rate over all tokens after each run's first arrival, first-token time of the first run. */
export function summarize(runs: TimedRun[]): DecodeSummary {
  const sum = (pick: (r: TimedRun) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const tokens = sum((r) => r.tokens);
  const decodeMs = sum((r) => r.decodeMs);
  const names = (Object.keys(runs[0]?.meteredMs ?? {}) as MeterName[]).filter((name) =>
    runs.every((r) => r.meteredMs[name] !== undefined),
  );
  return {
    runs: runs.length,
    tokens,
    tokensPerSecond: decodeMs > 0 ? (sum((r) => r.decodedTokens) * 1000) / decodeMs : 0,
    firstTokenMs: runs[0]?.firstMs ?? 0,
    msPerToken: sum((r) => r.wallMs) / tokens,
    meteredMsPerToken: Object.fromEntries(names.map((name) => [name, sum((r) => r.meteredMs[name] ?? 0) / tokens])),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
