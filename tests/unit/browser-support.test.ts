import { describe, expect, it } from 'vitest';
import { isResizeObserverNotice, missingFeatures, unsupportedMessage } from '../../src/ui/browser-support';

describe('missingFeatures', () => {
  it("finds nothing missing where everything is: Node's own, and a Worker", () => {
    const Worker = class {} as unknown as typeof globalThis.Worker;
    expect(missingFeatures({ Worker, WebAssembly, Intl, TransformStream, BigInt64Array })).toEqual([]);
  });

  it('names each missing feature, WebAssembly without SIMD included', () => {
    const noSimd = { ...WebAssembly, validate: () => false };
    const scope = { Worker: undefined, WebAssembly: noSimd, Intl: {} as typeof Intl, BigInt64Array };
    expect(missingFeatures(scope)).toEqual(['Web Workers', 'WebAssembly SIMD', 'Intl.Segmenter', 'TransformStream']);
    expect(missingFeatures({})).toEqual([
      'Web Workers',
      'WebAssembly',
      'WebAssembly SIMD',
      'Intl.Segmenter',
      'TransformStream',
      'BigInt64Array',
    ]);
  });

  it('says what is missing and what to use instead', () => {
    expect(unsupportedMessage(['Intl.Segmenter'])).toBe(
      'tagplay cannot run in this browser: it lacks Intl.Segmenter. A recent Firefox, Chrome, Edge or Safari has everything it needs.',
    );
  });
});

describe('isResizeObserverNotice', () => {
  it("knows the browser's notice that resize observations wait for the next frame", () => {
    const message = 'ResizeObserver loop completed with undelivered notifications.';
    expect(isResizeObserverNotice({ error: null, message })).toBe(true);
    expect(isResizeObserverNotice({ error: null, message: 'ResizeObserver loop limit exceeded' })).toBe(true);
  });

  it('takes any other error event for a failure', () => {
    expect(isResizeObserverNotice({ error: new Error('ResizeObserver loop'), message: 'ResizeObserver loop' })).toBe(
      false,
    );
    expect(isResizeObserverNotice({ error: null, message: 'Script error.' })).toBe(false);
  });
});
