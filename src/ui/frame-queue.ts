/** Collects items as they arrive and hands them over at most once per animation frame. */
export class FrameQueue<T> {
  private items: T[] = [];
  private frame: number | null = null;

  constructor(private readonly flush: (items: T[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    this.frame ??= requestAnimationFrame(() => this.drain());
  }

  /** Drops what has not been handed over yet (a new run replaces the old one). */
  clear(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.items = [];
  }

  /** Hands over what has arrived now, without waiting for the frame. */
  drain(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }
}
