import type { Backend } from './api';

/**
 * onnxruntime-web's builds that the site serves from `<base>ort/<version>/`, each a loader and its WebAssembly.
 * All run behind the same JavaScript API (transformers.js imports `onnxruntime-web/webgpu`), so the
 * worker fetches only the one its backend needs: the plain CPU build for WASM, and a build with
 * WebGPU for WebGPU, JSPI where the browser has it (smaller), asyncify otherwise.
 */
export const RUNTIME_BUILDS = {
  /** CPU only: 13.6 MiB. */
  plain: { mjs: 'ort-wasm-simd-threaded.mjs', wasm: 'ort-wasm-simd-threaded.wasm' },
  /** WebGPU through JavaScript Promise Integration: 16.0 MiB. */
  jspi: { mjs: 'ort-wasm-simd-threaded.jspi.mjs', wasm: 'ort-wasm-simd-threaded.jspi.wasm' },
  /** WebGPU through asyncify, for browsers without JSPI: 25.6 MiB. */
  asyncify: { mjs: 'ort-wasm-simd-threaded.asyncify.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm' },
} as const;

export type RuntimeBuild = keyof typeof RUNTIME_BUILDS;

/** Every file of every build: what the site ships. */
export const RUNTIME_FILES = Object.values(RUNTIME_BUILDS).flatMap((build) => [build.mjs, build.wasm]);

/** Whether this browser has JavaScript Promise Integration (`WebAssembly.Suspending`). */
export const hasJspi = (): boolean => typeof WebAssembly === 'object' && 'Suspending' in WebAssembly;

/** The build a backend runs on. */
export function runtimeBuildFor(backend: Backend, jspi: boolean): RuntimeBuild {
  if (backend === 'wasm') return 'plain';
  return jspi ? 'jspi' : 'asyncify';
}
