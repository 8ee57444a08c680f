/**
 * What tagplay needs of a browser, checked before any of the app loads: a browser without one would
 * otherwise fail while loading the app's modules (Intl.Segmenter is used as they load) and show a
 * blank page. Firefox, Chrome, Edge and Safari of recent years have them all.
 */

/**
 * A module that uses one SIMD instruction (i8x16.popcnt), valid only where WebAssembly has SIMD, which onnxruntime's
 * builds need.
 */
const SIMD_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

type Scope = Partial<Pick<typeof globalThis, 'Worker' | 'WebAssembly' | 'Intl' | 'TransformStream' | 'BigInt64Array'>>;

const REQUIREMENTS: { name: string; present: (scope: Scope) => boolean }[] = [
  { name: 'Web Workers', present: (s) => typeof s.Worker === 'function' },
  { name: 'WebAssembly', present: (s) => typeof s.WebAssembly === 'object' },
  { name: 'WebAssembly SIMD', present: (s) => s.WebAssembly?.validate(SIMD_MODULE) === true },
  { name: 'Intl.Segmenter', present: (s) => typeof s.Intl?.Segmenter === 'function' },
  { name: 'TransformStream', present: (s) => typeof s.TransformStream === 'function' },
  { name: 'BigInt64Array', present: (s) => typeof s.BigInt64Array === 'function' },
];

/** The names of what this browser lacks; empty when it has everything. */
export function missingFeatures(scope: Scope = globalThis): string[] {
  return REQUIREMENTS.filter(({ present }) => {
    try {
      return !present(scope);
    } catch {
      return true;
    }
  }).map(({ name }) => name);
}

export const unsupportedMessage = (missing: string[]): string =>
  `tagplay cannot run in this browser: it lacks ${missing.join(', ')}. ` +
  'A recent Firefox, Chrome, Edge or Safari has everything it needs.';

export const uncaughtMessage = (error: unknown): string =>
  `Something failed in this browser: ${error instanceof Error ? error.message : String(error)}. ` +
  'Reload the page; if it happens again, try another browser.';

/**
 * Whether an error event is the browser saying a ResizeObserver's notifications wait for the next frame (the
 * chart resizing as the page's layout settles): the spec reports it as an error event, yet nothing failed.
 */
export const isResizeObserverNotice = (event: { error: unknown; message: string }): boolean =>
  event.error === null && event.message.startsWith('ResizeObserver loop');
