import { env } from '@huggingface/transformers';
import { RUNTIME_FILES } from './model-files';

/**
 * Points transformers.js and onnxruntime at the files this site serves itself, so nothing is fetched
 * from another origin. Must run before the first model or tokenizer is loaded.
 */
export function useLocalRuntime(basePath: string): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // A path, not an http URL: transformers.js treats a URL here as a remote hub and fails to find the config.
  env.localModelPath = `${basePath}models/`;
  // The interim model is replaced in place by the final one under the same names, so never serve a cached copy.
  env.useBrowserCache = false;
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('onnxruntime-web has no WASM backend');
  const ort = new URL(`${basePath}ort/`, self.location.origin);
  // Both WebGPU and WASM sessions run on this one asyncify build.
  wasm.wasmPaths = { mjs: new URL(RUNTIME_FILES[0], ort).href, wasm: new URL(RUNTIME_FILES[1], ort).href };
  // Threads need cross-origin isolation (COOP/COEP), which a plain static server does not give, and were not
  // faster on few cores.
  wasm.numThreads = 1;
}
