import { readFileSync, readdirSync } from 'node:fs';

/** Where Chromium's CPU went, in ms, by the kind of thread. */
export interface ThreadCpu {
  /** The page's main thread: scripts, style, layout, paint. */
  pageMain: number;
  /**
   * How long the page's main thread was ready to run but waited for a core (Linux's schedstat; NaN where
   * the kernel keeps none): a frame that runs long while its own work is short waited here.
   */
  pageMainWaiting: number;
  /** The page's dedicated workers: the model. */
  workers: number;
  /** The renderer's thread pool: V8's background compilation (WebAssembly tier-up among it) and raster. */
  rendererPool: number;
  /** The renderer's other threads (compositor, IO, ...). */
  rendererOther: number;
  /** The GPU and display process, and the browser process with any other. */
  otherProcesses: number;
}

/** Linux counts thread time in clock ticks of 1/100 s. */
const MS_PER_CLOCK_TICK = 10;

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Time a thread spent runnable but waiting for a core, in ms, from its `/proc` schedstat line (ns); NaN without one. */
const waitingMs = (schedstat: string | null) => Number(schedstat?.split(' ')[1]) / 1e6;

/** User plus system time of one thread, in ms, from its `/proc` stat line. */
function cpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_CLOCK_TICK;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Chromium's CPU time so far, by kind of thread, read from Linux's `/proc`;
 * null elsewhere. Every Chromium process on the machine counts, so the bench runs one browser at a time.
 */
export function chromiumCpu(): ThreadCpu | null {
  if (process.platform !== 'linux') return null;
  const cpu: ThreadCpu = {
    pageMain: 0,
    pageMainWaiting: 0,
    workers: 0,
    rendererPool: 0,
    rendererOther: 0,
    otherProcesses: 0,
  };
  for (const pid of list('/proc').filter((name) => /^\d+$/.test(name))) {
    const command = readText(`/proc/${pid}/cmdline`);
    if (!command?.includes('chromium')) continue;
    const renderer = command.includes('--type=renderer');
    for (const tid of list(`/proc/${pid}/task`)) {
      const stat = readText(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ms = cpuMs(stat);
      if (!renderer) cpu.otherProcesses += ms;
      else if (tid === pid) {
        cpu.pageMain += ms;
        cpu.pageMainWaiting += waitingMs(readText(`/proc/${pid}/task/${tid}/schedstat`));
      } else if (name.startsWith('DedicatedWorker')) cpu.workers += ms;
      else if (name.startsWith('ThreadPool')) cpu.rendererPool += ms;
      else cpu.rendererOther += ms;
    }
  }
  return cpu;
}

function combine(a: ThreadCpu | null, b: ThreadCpu | null, sign: 1 | -1): ThreadCpu | null {
  if (!a || !b) return a ?? b;
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof ThreadCpu)[]) out[key] += sign * b[key];
  return out;
}

/** What was spent between two readings. */
export const cpuSince = (before: ThreadCpu | null, after: ThreadCpu | null) =>
  before && after ? combine(after, before, -1) : null;

/** Two spans' time together. */
export const addCpu = (a: ThreadCpu | null, b: ThreadCpu | null) => combine(a, b, 1);
