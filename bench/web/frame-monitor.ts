/** Main-thread health over one measured window. */
export interface FrameStats {
  durationMs: number;
  frames: number;
  /** Longest gap between two animation frames: what a person sees as a stall. */
  longestFrameMs: number;
  framesOver50Ms: number;
  /** Long animation frames (over 50 ms) as Chromium itself reports them, where it supports that. */
  longAnimationFrames: number | null;
  longestAnimationFrameMs: number | null;
  /** What ran in the longest long animation frame, longest first: where the time went. */
  longestFrameScripts: ScriptTime[];
}

export interface ScriptTime {
  /** The script's URL and function, or what invoked it (an event, a callback). */
  where: string;
  durationMs: number;
}

/** The parts of the Long Animation Frames API used here (not yet in TypeScript's DOM library). */
interface LoafScript {
  duration: number;
  invoker: string;
  sourceURL: string;
  sourceFunctionName: string;
}
interface LoafEntry extends PerformanceEntry {
  scripts: LoafScript[];
}

const scriptsOf = (entry: LoafEntry): ScriptTime[] =>
  entry.scripts
    .map((s) => ({
      where: [s.invoker, s.sourceFunctionName, s.sourceURL.split('/').pop()].filter((p) => p).join(' '),
      durationMs: s.duration,
    }))
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 5);

const LONG_MS = 50;

/**
 * Watches the main thread between `start` and `stop`: requestAnimationFrame deltas, plus Chromium's
 * long-animation-frame entries, which also name frames that a rAF delta would split or miss.
 */
export class FrameMonitor {
  private begin = 0;
  private last = 0;
  private deltas: number[] = [];
  private loafs: LoafEntry[] = [];
  private frame = 0;
  private observer: PerformanceObserver | null = null;

  start(): void {
    this.begin = performance.now();
    this.last = this.begin;
    this.deltas = [];
    this.loafs = [];
    const tick = (now: number) => {
      this.deltas.push(now - this.last);
      this.last = now;
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
    if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
      this.observer = new PerformanceObserver((list) => {
        this.loafs.push(...(list.getEntries() as LoafEntry[]));
      });
      this.observer.observe({ type: 'long-animation-frame' });
    }
  }

  stop(): FrameStats {
    cancelAnimationFrame(this.frame);
    const supported = this.observer !== null;
    if (this.observer) this.loafs.push(...(this.observer.takeRecords() as LoafEntry[]));
    this.observer?.disconnect();
    this.observer = null;
    // The first delta runs from start() to the first frame, which is not a frame of its own.
    const frames = this.deltas.slice(1);
    const worst = this.loafs.reduce<LoafEntry | null>((a, b) => (a && a.duration >= b.duration ? a : b), null);
    return {
      durationMs: performance.now() - this.begin,
      frames: frames.length,
      longestFrameMs: Math.max(0, ...frames),
      framesOver50Ms: frames.filter((d) => d > LONG_MS).length,
      longAnimationFrames: supported ? this.loafs.length : null,
      longestAnimationFrameMs: supported ? (worst?.duration ?? 0) : null,
      longestFrameScripts: worst ? scriptsOf(worst) : [],
    };
  }
}

/** Adds windows up: counts sum, longest stays longest. */
export function mergeFrameStats(all: FrameStats[]): FrameStats {
  const nullableSum = (pick: (s: FrameStats) => number | null) =>
    all.some((s) => pick(s) === null) ? null : all.reduce((sum, s) => sum + (pick(s) ?? 0), 0);
  const nullableMax = (pick: (s: FrameStats) => number | null) =>
    all.some((s) => pick(s) === null) ? null : Math.max(0, ...all.map((s) => pick(s) ?? 0));
  return {
    durationMs: all.reduce((sum, s) => sum + s.durationMs, 0),
    frames: all.reduce((sum, s) => sum + s.frames, 0),
    longestFrameMs: Math.max(0, ...all.map((s) => s.longestFrameMs)),
    framesOver50Ms: all.reduce((sum, s) => sum + s.framesOver50Ms, 0),
    longAnimationFrames: nullableSum((s) => s.longAnimationFrames),
    longestAnimationFrameMs: nullableMax((s) => s.longestAnimationFrameMs),
    longestFrameScripts:
      all.reduce<FrameStats | null>(
        (a, b) => (a && (a.longestAnimationFrameMs ?? 0) >= (b.longestAnimationFrameMs ?? 0) ? a : b),
        null,
      )?.longestFrameScripts ?? [],
  };
}
