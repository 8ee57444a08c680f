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
  top: ProfileLine[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
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

const fileOf = (url: string) => url.split('/').pop()?.replace(/-[\w-]{8}\.js$/, '.js') ?? '';

/** Self time by function, largest first: where the main thread's time went. */
export function summarizeProfile(profile: CpuProfile, count: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    const where = frame.url ? `${frame.functionName || '(anonymous)'} ${fileOf(frame.url)}:${frame.lineNumber + 1}` : frame.functionName || '(native)';
    self.set(where, (self.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  self.delete('(idle)');
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: [...self.values()].reduce((a, b) => a + b, 0),
    top: [...self].sort((a, b) => b[1] - a[1]).slice(0, count).map(([where, selfMs]) => ({ where, selfMs })),
  };
}

/** Samples the page's main thread while `during` runs. */
export async function profileMainThread<T>(page: Page, during: () => Promise<T>): Promise<{ result: T; profile: ProfileSummary }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  const result = await during();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return { result, profile: summarizeProfile(profile, 15) };
}
