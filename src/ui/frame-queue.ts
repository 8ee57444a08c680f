/**
 * Collects items as they arrive and hands them over on an animation frame, at most once per
 * `minInterval` ms: every hand-over re-lays out and repaints the growing page, so at full speed
 * fewer, larger updates keep the main thread free.
 */
export class FrameQueue<T> {
  private items: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  private last = -Infinity;

  constructor(private readonly flush: (items: T[]) => void, private readonly minInterval = 0) {}

  push(item: T): void {
    this.items.push(item);
    if (this.timer !== null || this.frame !== null) return;
    const wait = this.last + this.minInterval - performance.now();
    if (wait > 0) this.timer = setTimeout(() => this.schedule(), wait);
    else this.schedule();
  }

  /** Drops what has not been handed over yet (a new run replaces the old one). */
  clear(): void {
    this.cancel();
    this.items = [];
  }

  /** Hands over what has arrived now, without waiting for the frame. */
  drain(): void {
    this.cancel();
    this.last = performance.now();
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }

  private schedule(): void {
    this.timer = null;
    this.frame = requestAnimationFrame(() => this.drain());
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.timer = null;
    this.frame = null;
  }
}
