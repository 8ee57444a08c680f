import { FramePacer } from './frame-pacer';

/**
 * Collects items as they arrive and hands them over on an animation frame, at most once per
 * `minInterval` ms: every hand-over re-lays out and repaints the growing page, so at full speed
 * fewer, larger updates keep the main thread free.
 */
export class FrameQueue<T> {
  private items: T[] = [];
  private readonly pacer = new FramePacer(() => this.handOver());

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly minInterval = 0,
  ) {}

  push(item: T): void {
    this.items.push(item);
    this.pacer.request(this.minInterval);
  }

  /** Drops what has not been handed over yet (a new run replaces the old one). */
  clear(): void {
    this.pacer.cancel();
    this.items = [];
  }

  /** Hands over what has arrived now, without waiting for the frame. */
  drain(): void {
    this.pacer.runNow();
  }

  private handOver(): void {
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }
}
