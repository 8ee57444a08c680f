import { median, summarize, type DecodeSummary, type MeterName, type TimedRun } from './timing';

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
  /** Medians over the repeats. */
  tokensPerSecond: number;
  firstTokenMs: number;
  msPerToken: number;
  meteredMsPerToken: Partial<Record<MeterName, number>>;
  repeats: DecodeSummary[];
}

/**
 * Warms every path up, then runs the repeats round-robin (a, b, c, d, a, b, …) so that slow drift on a
 * shared machine spreads over all paths instead of landing on one.
 */
export async function runSuite(paths: PathSpec[], newTokens: number, repeats: number, warmupTokens: number): Promise<PathResult[]> {
  for (const path of paths) await path.run(warmupTokens);
  const summaries = new Map<PathId, DecodeSummary[]>(paths.map((p) => [p.id, []]));
  for (let r = 0; r < repeats; r++) {
    for (const path of paths) summaries.get(path.id)?.push(summarize(await path.run(newTokens)));
  }
  return paths.map((path) => {
    const done = summaries.get(path.id) ?? [];
    return {
      id: path.id,
      label: path.label,
      tokensPerSecond: median(done.map((s) => s.tokensPerSecond)),
      firstTokenMs: median(done.map((s) => s.firstTokenMs)),
      msPerToken: median(done.map((s) => s.msPerToken)),
      meteredMsPerToken: Object.fromEntries(
        (Object.keys(done[0]?.meteredMsPerToken ?? {}) as MeterName[]).map((name) => [name, median(done.map((s) => s.meteredMsPerToken[name] ?? 0))]),
      ),
      repeats: done,
    };
  });
}

/** (c)/(a) and (d)/(a), from the median rates. */
export interface Ratios {
  tagplayVsRaw: number;
  messagingVsRaw: number;
}

export function ratiosOf(results: PathResult[]): Ratios {
  const rate = (id: PathId) => results.find((r) => r.id === id)?.tokensPerSecond ?? Number.NaN;
  return { tagplayVsRaw: rate('tagplay') / rate('raw'), messagingVsRaw: rate('messaging') / rate('raw') };
}
