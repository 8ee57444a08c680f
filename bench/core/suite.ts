import { median, summarize, type DecodeSummary, type TimedRun } from './timing';

export type PathId = 'raw' | 'generate' | 'tagplay' | 'messaging';

/** One way of generating, as a function of the token count; several runs only when it had to restart. */
export interface PathSpec {
  id: PathId;
  label: string;
  run: (newTokens: number) => Promise<TimedRun[]>;
}

export interface PathResult {
  id: PathId;
  label: string;
  /**
   * The fastest repeat: other work on a shared machine only ever slows a run down, so the best of
   * several is the steadiest estimate of what the path itself costs. The median is kept beside it.
   */
  best: DecodeSummary;
  medianTokensPerSecond: number;
  repeats: DecodeSummary[];
}

/**
 * Warms every path up, then runs the repeats round-robin (a, b, c, d, a, b, …) so that slow drift on a
 * shared machine spreads over all paths instead of landing on one.
 */
export async function runSuite(
  paths: PathSpec[],
  newTokens: number,
  repeats: number,
  warmupTokens: number,
): Promise<PathResult[]> {
  for (const path of paths) await path.run(warmupTokens);
  const summaries = new Map<PathId, DecodeSummary[]>(paths.map((p) => [p.id, []]));
  for (let r = 0; r < repeats; r++) {
    for (const path of paths) summaries.get(path.id)?.push(summarize(await path.run(newTokens)));
  }
  return paths.map((path) => {
    const done = summaries.get(path.id) ?? [];
    const best = done.reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
    return {
      id: path.id,
      label: path.label,
      best,
      medianTokensPerSecond: median(done.map((s) => s.tokensPerSecond)),
      repeats: done,
    };
  });
}

/** (c)/(a) and (d)/(a), from the best rates. */
export interface Ratios {
  tagplayVsRaw: number;
  messagingVsRaw: number;
  /**
   * (c)/(a) as it would be if onnxruntime took the same time per token in both: (a)'s time over (a)'s
   * time plus the extra time (c) spends outside onnxruntime. Immune to the runtime's own variance
   * between runs and between threads, blind to any slowdown our work causes inside it. Null without
   * the meters.
   */
  tagplayVsRawAtEqualRuntime: number | null;
  /** The same for (d), whose runtime runs in the app's worker, apart from (a)'s. */
  messagingVsRawAtEqualRuntime: number | null;
}

/** Time per token outside onnxruntime's `run()`, from the best repeat. */
const outsideRuntime = (path: PathResult | undefined): number | null => {
  const runtime = path?.best.meteredMsPerToken.runtime;
  return path && runtime !== undefined ? path.best.msPerToken - runtime : null;
};

export function ratiosOf(results: PathResult[]): Ratios {
  const path = (id: PathId) => results.find((r) => r.id === id);
  const rate = (id: PathId) => path(id)?.best.tokensPerSecond ?? Number.NaN;
  const raw = path('raw');
  const rawOutside = outsideRuntime(raw);
  const atEqualRuntime = (id: PathId) => {
    const outside = outsideRuntime(path(id));
    return raw && rawOutside !== null && outside !== null
      ? raw.best.msPerToken / (raw.best.msPerToken + outside - rawOutside)
      : null;
  };
  return {
    tagplayVsRaw: rate('tagplay') / rate('raw'),
    messagingVsRaw: rate('messaging') / rate('raw'),
    tagplayVsRawAtEqualRuntime: atEqualRuntime('tagplay'),
    messagingVsRawAtEqualRuntime: atEqualRuntime('messaging'),
  };
}
