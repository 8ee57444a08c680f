import type { PolicyChange } from '../steering/policy';
import type { TimelineEntry } from '../steering/timeline';
import type { InjectedFault } from '../worker/api';

/**
 * What the page offers end-to-end tests on `window.__tagplay` when its address has `?testhooks`: ways
 * to break the worker as a crash or a failing GPU would, and what the page and the worker recorded.
 * Nothing here reaches beyond the user's own tab.
 */
export interface TestHooks {
  /** Ends the model worker at once, as a crash would; the page is not told and must notice by itself. */
  terminateWorker(): void;
  injectFault(fault: InjectedFault): Promise<void>;
  /** The policy changes the page sent to the worker during the current (or last) run, in order. */
  sentChanges(): SentChange[];
  /** The timeline the worker recorded for that run. */
  workerTimeline(): Promise<TimelineEntry[]>;
  memory(): Promise<MemoryReport>;
}

export interface SentChange {
  change: PolicyChange;
  /** How many tokens of the run the page showed when it sent the change. */
  tokensShown: number;
}

export interface MemoryReport {
  /** How the JavaScript heaps were measured, or why they were not. */
  method: string;
  /** Bytes of the model worker's JavaScript heap. */
  workerJsBytes: number | null;
  /** Bytes of the page's own JavaScript heap. */
  pageJsBytes: number | null;
  /** Bytes of the worker's WebAssembly memory (onnxruntime's heap). */
  workerWasmBytes: number | null;
}

declare global {
  interface Window {
    __tagplay?: TestHooks;
  }
}

/** `performance.measureUserAgentSpecificMemory`, which this TypeScript's DOM library does not describe. */
interface MemoryMeasurement {
  bytes: number;
  breakdown: { bytes: number; attribution: { scope?: string }[] }[];
}

/**
 * Measures the page's and its worker's JavaScript heaps where the browser allows it: only a
 * cross-origin isolated page may call `performance.measureUserAgentSpecificMemory`.
 */
export async function measureMemory(): Promise<Omit<MemoryReport, 'workerWasmBytes'>> {
  const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<MemoryMeasurement> })
    .measureUserAgentSpecificMemory;
  if (!crossOriginIsolated || !measure)
    return { method: 'not measured: the page is not cross-origin isolated', workerJsBytes: null, pageJsBytes: null };
  const result = await measure.call(performance);
  const bytesOf = (scope: string) =>
    result.breakdown
      .filter((part) => part.attribution.some((a) => a.scope === scope))
      .reduce((sum, part) => sum + part.bytes, 0);
  return {
    method: 'performance.measureUserAgentSpecificMemory',
    workerJsBytes: bytesOf('DedicatedWorkerGlobalScope'),
    pageJsBytes: bytesOf('Window'),
  };
}
