import { errorText } from '../error-text';
import type { Generation, Step } from '../steering/engine';
import type { PolicyChange } from '../steering/policy';
import type { TimelineEntry } from '../steering/timeline';
import type { RunEnd, RunErrorKind, StepBatch, TokenStep } from './api';

/** Longest a finished step waits before it is sent to the page, when steps come faster than this. */
const BATCH_MS = 30;
/**
 * Longest the loop runs steps back to back before it lets queued messages in: about a display frame,
 * so a control still takes effect within a few tokens. A return to the event loop costs tens to
 * hundreds of µs in a Chromium worker (the task switch, and the V8 tasks and replies that run there),
 * too much to pay on every token.
 */
const YIELD_MS = 16;

/**
 * Lets queued messages (policy changes, pause, stop) in between two tokens even when nothing else awaits
 * a task. One channel serves a whole run: opening one per token cost more than the yield itself.
 */
export class EventYield {
  private readonly channel = new MessageChannel();
  private waiting: (() => void) | null = null;

  constructor() {
    this.channel.port1.onmessage = () => {
      const resume = this.waiting;
      this.waiting = null;
      resume?.();
    };
  }

  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.channel.port2.postMessage(null);
    });
  }

  /** An open port would keep Node's event loop alive. */
  close(): void {
    this.channel.port1.close();
  }
}

/** A run's error as the page is told it. */
export interface RunFailure {
  message: string;
  kind: RunErrorKind;
}

const asFailure = async (error: unknown): Promise<RunFailure> => ({
  message: errorText(error),
  kind: 'generation',
});

/**
 * Drives one `Generation`: paces it, pauses, steps and stops it on request, and sends its steps and
 * timeline to the page in batches. Policy changes go straight to the generation, which records them at
 * the next token index; messages are handled in arrival order, between steps at least every
 * `YIELD_MS`, so none is lost or reordered.
 */
export class RunLoop {
  private paused = false;
  /** Tokens still allowed while paused (from `stepOnce`). */
  private allowance = 0;
  private stopRequested = false;
  private ended = false;
  private liveChanges = 0;
  private pace: number;
  private nextDue = 0;
  private wake: (() => void) | null = null;
  private pending: TokenStep[] = [];
  private sentTimeline = 0;
  private lastFlush = 0;
  private lastYield = 0;
  private readonly yields = new EventYield();
  /** Rejects when `fail` is called, so that a step that never returns (a lost GPU) cannot hold the run. */
  private readonly failure: Promise<never>;
  private rejectFailure: (error: unknown) => void = () => {};
  private failedWith: { error: unknown } | null = null;
  /** Changes that arrived after the run ended: no token can carry them, so they are kept apart from the timeline. */
  readonly late: PolicyChange[] = [];

  /** `explain` turns an error that ended the run into what the page is told. */
  constructor(
    private readonly generation: Generation,
    private readonly describe: (step: Step) => TokenStep,
    private readonly send: (batch: StepBatch) => void,
    private readonly promptLength: number,
    pace: number,
    private readonly explain: (error: unknown) => Promise<RunFailure> = asFailure,
  ) {
    this.pace = pace;
    this.failure = new Promise<never>((_, reject) => (this.rejectFailure = reject));
    // Nobody may be waiting on it when it rejects.
    this.failure.catch(() => {});
  }

  /** The timeline as recorded so far. */
  get timeline(): readonly TimelineEntry[] {
    return this.generation.timeline;
  }

  /** Ends the run with this error, even in the middle of a step. */
  fail(error: unknown): void {
    this.failedWith ??= { error };
    this.rejectFailure(error);
    this.interrupt();
  }

  change(change: PolicyChange): void {
    if (this.ended) {
      this.late.push(change);
      return;
    }
    this.generation.change(change);
    this.liveChanges++;
    // While paused no step will carry the entry to the page soon, so send it now.
    if (this.paused) this.flush();
  }

  pause(): void {
    this.paused = true;
    this.allowance = 0;
    this.interrupt();
  }

  resume(): void {
    this.paused = false;
    this.allowance = 0;
    this.nextDue = 0;
    this.interrupt();
  }

  stepOnce(): void {
    this.paused = true;
    this.allowance = 1;
    this.interrupt();
  }

  stop(): void {
    this.stopRequested = true;
    this.interrupt();
  }

  setPace(tokensPerSecond: number): void {
    this.pace = Math.max(0, tokensPerSecond);
    this.nextDue = 0;
    this.interrupt();
  }

  /** Runs until the model ends, the user stops, or an error; every step is sent before this resolves. */
  async run(): Promise<RunEnd> {
    try {
      // A fork first reads the text it goes on from, a token at a time, letting messages in between.
      while (
        !this.stopRequested &&
        !this.failedWith &&
        (await Promise.race([this.generation.readAhead(), this.failure]))
      )
        await this.yieldIfDue();
      for (;;) {
        if (this.failedWith) throw this.failedWith.error;
        if (this.stopRequested) return this.finish('user');
        if (this.paused && this.allowance === 0) {
          this.flush();
          await this.sleep(Infinity);
          continue;
        }
        if (!this.paused && (await this.waitForPace())) continue;
        const step = await Promise.race([this.generation.step(), this.failure]);
        if (!step) return this.finish(this.generation.stopped ?? 'user');
        if (this.allowance > 0) this.allowance--;
        this.pending.push(this.describe(step));
        if (step.alarm?.action === 'pause') {
          this.paused = true;
          this.allowance = 0;
        }
        if (performance.now() - this.lastFlush >= BATCH_MS || this.paused || this.pace > 0) this.flush();
        await this.yieldIfDue();
      }
    } catch (error) {
      return this.finish('error', await this.explain(error));
    } finally {
      this.yields.close();
    }
  }

  private async yieldIfDue(): Promise<void> {
    if (performance.now() - this.lastYield < YIELD_MS) return;
    await this.yields.next();
    this.lastYield = performance.now();
  }

  /** Waits until the next token is due; true when woken early, so the loop re-checks its state first. */
  private async waitForPace(): Promise<boolean> {
    if (this.pace <= 0) return false;
    const now = performance.now();
    const interval = 1000 / this.pace;
    // Due times accumulate, so the pace holds on average even though each step takes time itself.
    this.nextDue = this.nextDue === 0 ? now : Math.max(now - interval, this.nextDue + interval);
    const wait = this.nextDue - now;
    if (wait <= 0) return false;
    this.flush();
    const woken = await this.sleep(wait);
    if (woken) this.nextDue = 0;
    return woken;
  }

  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done(false), ms) : undefined;
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(woken);
      };
      this.wake = () => done(true);
    });
  }

  private interrupt(): void {
    this.wake?.();
  }

  private flush(ended: RunEnd | null = null, failure?: RunFailure): void {
    const timeline = this.generation.timeline.slice(this.sentTimeline);
    if (this.pending.length === 0 && timeline.length === 0 && ended === null && !this.paused) return;
    this.sentTimeline = this.generation.timeline.length;
    const steps = this.pending;
    this.pending = [];
    this.lastFlush = performance.now();
    const batch: StepBatch = {
      timeline,
      liveChanges: this.liveChanges,
      policy: this.generation.policy,
      steps,
      paused: this.paused && ended === null,
      ended,
      promptLength: this.promptLength,
    };
    if (failure) Object.assign(batch, { error: failure.message, errorKind: failure.kind });
    this.send(batch);
  }

  private finish(ended: RunEnd, failure?: RunFailure): RunEnd {
    this.ended = true;
    this.flush(ended, failure);
    return ended;
  }
}
