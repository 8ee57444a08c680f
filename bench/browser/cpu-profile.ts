import type { Page } from 'playwright-core';

/** One function's share of a CPU profile. */
export interface ProfileLine {
  /** Function name, file (without the build hash) and line. */
  where: string;
  selfMs: number;
}

export interface ProfileSummary {
  wallMs: number;
  /** Sampled time not idle: JS, plus "(program)" (style, layout, paint and other native work) and GC. */
  busyMs: number;
  /** Longest stretch of sampled work with no pause over GAP_MS in it: the main thread's longest task. */
  longestWorkMs: number;
  /**
   * Longest time between two samples. The sampler ticks about every half millisecond while the
   * renderer runs, busy or idle, so a long gap is time the renderer waited for a core.
   */
  longestGapMs: number;
  top: ProfileLine[];
}

const GAP_MS = 5;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** Names where a built file's position came from (e.g. `src/ui/Stream.svelte:26`), or null when it cannot tell. */
export type SourceResolver = (url: string, line: number, column: number) => string | null;
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
/** The parts of CDP's `Profiler.Profile` used here. */
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

const fileOf = (url: string) =>
  url
    .split('/')
    .pop()
    ?.replace(/-[\w-]{8}\.js$/, '.js') ?? '';

/** Self time by function, largest first: where the main thread's time went. */
export function summarizeProfile(
  profile: CpuProfile,
  count: number,
  resolve: SourceResolver = () => null,
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  let longestWorkMs = 0,
    longestGapMs = 0,
    workStart: number | null = null,
    now = profile.startTime / 1000;
  (profile.samples ?? []).forEach((id, i) => {
    const step = (deltas[i] ?? 0) / 1000;
    now += step;
    longestGapMs = Math.max(longestGapMs, step);
    const frame = nodes.get(id)?.callFrame;
    const idle = frame?.functionName === '(idle)';
    if (idle || step > GAP_MS) workStart = idle ? null : now;
    else if (workStart === null) workStart = now - step;
    if (workStart !== null) longestWorkMs = Math.max(longestWorkMs, now - workStart);
    if (!frame) return;
    const at = frame.url
      ? (resolve(frame.url, frame.lineNumber, frame.columnNumber) ?? `${fileOf(frame.url)}:${frame.lineNumber + 1}`)
      : null;
    const where = at ? `${frame.functionName || '(anonymous)'} ${at}` : frame.functionName || '(native)';
    self.set(where, (self.get(where) ?? 0) + step);
  });
  self.delete('(idle)');
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: [...self.values()].reduce((a, b) => a + b, 0),
    longestWorkMs,
    longestGapMs,
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([where, selfMs]) => ({ where, selfMs })),
  };
}

/** Samples the page's main thread while `during` runs. */
export async function profileMainThread<T>(
  page: Page,
  resolve: SourceResolver,
  during: () => Promise<T>,
): Promise<{ result: T; profile: ProfileSummary }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  const result = await during();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return { result, profile: summarizeProfile(profile, 15, resolve) };
}
