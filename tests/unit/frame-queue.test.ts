import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { FrameQueue } from '../../src/ui/frame-queue';

const FRAME_MS = 16;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  // Node has no animation frames; a frame here is a 16 ms timer.
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) =>
    setTimeout(() => cb(performance.now()), FRAME_MS),
  );
  vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

test('hands items over on a frame, then at most once per interval, in order and without loss', () => {
  const handed: number[][] = [];
  const queue = new FrameQueue<number>((items) => handed.push(items), 80);
  queue.push(1);
  queue.push(2);
  vi.advanceTimersByTime(FRAME_MS);
  expect(handed).toEqual([[1, 2]]);
  queue.push(3);
  vi.advanceTimersByTime(40);
  queue.push(4);
  expect(handed).toHaveLength(1);
  vi.advanceTimersByTime(40 + FRAME_MS);
  expect(handed).toEqual([
    [1, 2],
    [3, 4],
  ]);
});

test('drain hands over at once and clear drops what waits', () => {
  const handed: number[][] = [];
  const queue = new FrameQueue<number>((items) => handed.push(items), 80);
  queue.push(1);
  queue.drain();
  expect(handed).toEqual([[1]]);
  queue.push(2);
  queue.clear();
  vi.advanceTimersByTime(200);
  expect(handed).toEqual([[1]]);
  queue.push(3);
  vi.advanceTimersByTime(80 + FRAME_MS);
  expect(handed).toEqual([[1], [3]]);
});
