import { env } from '@huggingface/transformers';
import { RUNTIME_DIR } from '../model/model-name';
import { RUNTIME_BUILDS, type RuntimeBuild } from './runtime-builds';

/**
 * Points transformers.js and onnxruntime at the files this site serves itself, so nothing is fetched
 * from another origin. Must run before the first model or tokenizer is loaded.
 */
export function useLocalRuntime(basePath: string): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // A path, not an http URL: transformers.js treats a URL here as a remote hub and fails to find the config.
  env.localModelPath = `${basePath}models/`;
  // The site's service worker (`src/offline/`) keeps the files; a second cache would hold them twice.
  env.useBrowserCache = false;
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('onnxruntime-web has no WASM backend');
  // Threads need cross-origin isolation (COOP/COEP), which a plain static server does not give, and were not
  // faster on few cores.
  wasm.numThreads = 1;
}

/** The addresses of a runtime build's files. */
export function runtimeUrls(basePath: string, build: RuntimeBuild): { mjs: URL; wasm: URL } {
  const ort = new URL(`${basePath}${RUNTIME_DIR}`, self.location.origin);
  const files = RUNTIME_BUILDS[build];
  return { mjs: new URL(files.mjs, ort), wasm: new URL(files.wasm, ort) };
}

/** Makes onnxruntime load this build; it loads one per worker, at the first session. */
export function useRuntimeBuild(basePath: string, build: RuntimeBuild): void {
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('onnxruntime-web has no WASM backend');
  const urls = runtimeUrls(basePath, build);
  wasm.wasmPaths = { mjs: urls.mjs.href, wasm: urls.wasm.href };
}
