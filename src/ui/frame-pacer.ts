/**
 * Runs a task on an animation frame, and no sooner than a given interval after its last run:
 * requests that come while one waits join it, so however often they come, the task runs once a frame
 * at most.
 */
export class FramePacer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  private last = -Infinity;

  constructor(private readonly task: () => void) {}

  request(minInterval: number): void {
    if (this.timer !== null || this.frame !== null) return;
    const wait = this.last + minInterval - performance.now();
    if (wait > 0) this.timer = setTimeout(() => this.onNextFrame(), wait);
    else this.onNextFrame();
  }

  /** Runs the task at once, in place of any waiting request. */
  runNow(): void {
    this.cancel();
    this.last = performance.now();
    this.task();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.timer = null;
    this.frame = null;
  }

  private onNextFrame(): void {
    this.timer = null;
    this.frame = requestAnimationFrame(() => this.runNow());
  }
}
