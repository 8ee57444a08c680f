/**
 * The model worker: loads the model once, then runs one generation at a time for the page. Everything
 * about ONNX and transformers.js stays behind this file and `src/model/`.
 */
import { env } from '@huggingface/transformers';
import * as Comlink from 'comlink';
import { loadModel, type LoadedModel } from '../model/causal-lm';
import { Generation, type LanguageModel } from '../steering/engine';
import type { Backend, BatchListener, InjectedFault, LoadResult, RunEnd, RunRequest, WorkerApi } from './api';
import { pickBackend, probeWebGpu } from './backend';
import { explainLoadFailure } from './load-failure';
import { fetchWithProgress } from './progress-fetch';
import { WORKER_MODEL_FILES } from './model-files';
import { RunLoop, type RunFailure } from './run-loop';
import { hasJspi, runtimeBuildFor } from './runtime-builds';
import { MODEL_NAME, runtimeUrls, useLocalRuntime, useRuntimeBuild } from './runtime-env';
import { TokenTexts, decodeEach } from './token-text';
import { trackWasmMemory, wasmMemoryBytes } from './wasm-memory';
import { WarmUp } from './warm-up';

/** Warm-up steps after loading: on WASM enough for V8's optimizing compiler to take up the decode path; on WebGPU, the shaders. */
const WARM_UP_STEPS: Record<Backend, number> = { wasm: 192, webgpu: 8 };

let model: LoadedModel | null = null;
/** Each token's text on its own, by id. */
let vocabulary: string[] = [];
let backend: Backend | null = null;
let current: { loop: RunLoop; done: Promise<RunEnd> } | null = null;
let warmUp: WarmUp | null = null;
/** Counts `start` calls, so that of several that wait for the same run to stop only the last goes on. */
let starts = 0;
/**
 * Controls that arrive while a run is starting belong to the new run, which the page already shows;
 * they wait here and are applied, in order, before its first token.
 */
let opening: ((loop: RunLoop) => void)[] | null = null;
let testHooks = false;
/** Set by the `step-error` test fault: the next model step throws. */
let failNextStep = false;

/** The little of a WebGPU device this worker touches; this TypeScript's DOM library has no WebGPU types. */
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}
/** Once the WebGPU device is lost, every later step fails with this error. */
let deviceLost: Error | null = null;

function control(action: (loop: RunLoop) => void): void {
  if (opening) opening.push(action);
  else if (current) action(current.loop);
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function decoder(loaded: LoadedModel): (ids: number[]) => string {
  return (ids) => loaded.tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
}

/** onnxruntime's WebGPU device, once a WebGPU session exists. */
async function webGpuDevice(): Promise<GpuDeviceLike | null> {
  const holder = env.backends.onnx.webgpu as { device?: GpuDeviceLike | Promise<GpuDeviceLike> } | undefined;
  return (await holder?.device) ?? null;
}

/** Watches the WebGPU device: when it is lost, the current run ends with that error, and so does every later one. */
async function watchDevice(): Promise<void> {
  const device = await webGpuDevice();
  if (!device) return;
  const info = await device.lost;
  const reason = info.reason && info.reason !== 'unknown' ? `${info.reason}` : 'no reason given';
  deviceLost = new Error(`The GPU device was lost (${reason}${info.message ? `: ${info.message}` : ''}).`);
  deviceLost.name = 'DeviceLostError';
  current?.loop.fail(deviceLost);
}

/** What the page is told about an error that ended a run: a lost device is named as such. */
async function explainRunError(error: unknown): Promise<RunFailure> {
  if (backend === 'webgpu' && !deviceLost) {
    // A destroyed device fails the step and resolves `lost` at about the same time; let `lost` land first.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (deviceLost) {
    // onnxruntime's own error after a loss is a long internal message; the loss itself says what happened.
    if (error !== deviceLost) console.warn(`The step after the GPU device was lost failed with: ${errorText(error)}`);
    return { kind: 'device-lost', message: deviceLost.message };
  }
  return { kind: 'generation', message: errorText(error) };
}

/** The model as the engine sees it; the `step-error` test fault makes its next step throw. */
function faultable(lm: LanguageModel): LanguageModel {
  if (!testHooks) return lm;
  return {
    maxLength: lm.maxLength,
    endOfText: lm.endOfText,
    reset: () => lm.reset(),
    next: async (tokens) => {
      if (failNextStep) {
        failNextStep = false;
        throw new Error('Injected fault: the model step failed (test hook).');
      }
      return lm.next(tokens);
    },
  };
}

function createLoop(loaded: LoadedModel, request: RunRequest, onBatch: BatchListener): RunLoop {
  const { lm, groups, tokenizer } = loaded;
  const encoded = tokenizer.encode(request.prompt, { add_special_tokens: false });
  // An empty prompt starts a fresh document, which in training always followed an end-of-text.
  const promptIds = encoded.length > 0 ? encoded : [lm.endOfText];
  const generation = new Generation(faultable(lm), groups, {
    promptIds,
    seed: request.seed,
    sampling: request.sampling,
    maxNewTokens: request.maxNewTokens,
    initialPolicy: request.initialPolicy,
    timeline: request.timeline,
  });
  const texts = new TokenTexts(decoder(loaded), vocabulary);
  return new RunLoop(
    generation,
    (step) => ({ ...step, text: texts.next(step.token) }),
    onBatch,
    promptIds.length,
    request.pace,
    explainRunError,
  );
}

const api: WorkerApi = {
  async load(options, onProgress): Promise<LoadResult> {
    if (model) throw new Error('The model is already loaded; start a new worker to change backend.');
    testHooks = options.testHooks === true;
    if (testHooks) trackWasmMemory();
    useLocalRuntime(options.basePath);
    const probe = await probeWebGpu();
    let { backend: chosen, reason } = pickBackend(options.device, probe);
    // onnxruntime loads one build per worker: a WebGPU one also runs WASM sessions, should WebGPU fail to start.
    const build = runtimeBuildFor(chosen, hasJspi());
    useRuntimeBuild(options.basePath, build);
    const modelDir = new URL(`${options.basePath}models/${MODEL_NAME}/`, self.location.origin);
    // Each file's progress, named by its path in the model's folder.
    env.fetch = fetchWithProgress((url, loaded, total) =>
      onProgress({ file: decodeURI(url).replace(modelDir.href, ''), fraction: total ? loaded / total : null }),
    );
    const needed = [
      ...WORKER_MODEL_FILES.map((file) => ({ name: `The model file ${file}`, url: new URL(file, modelDir) })),
      ...Object.values(runtimeUrls(options.basePath, build)).map((url) => ({
        name: `The runtime file ${url.pathname.slice(url.pathname.lastIndexOf('/') + 1)}`,
        url,
      })),
    ];
    try {
      try {
        model = await loadModel(MODEL_NAME, chosen);
      } catch (error) {
        if (chosen !== 'webgpu') throw error;
        reason = `WebGPU failed to start (${errorText(error)}), so WASM`;
        chosen = 'wasm';
        model = await loadModel(MODEL_NAME, chosen);
      }
    } catch (error) {
      throw await explainLoadFailure(error, needed);
    }
    backend = chosen;
    if (backend === 'webgpu') void watchDevice();
    warmUp = new WarmUp(model.lm, WARM_UP_STEPS[backend]);
    vocabulary = decodeEach(decoder(model), model.tokenizer.get_vocab().size);
    return {
      backend,
      reason,
      webgpuAvailable: probe.available,
      webgpuSoftware: probe.available && probe.software,
      groups: model.groups,
      vocabulary,
      maxLength: model.lm.maxLength,
    };
  },

  async start(request, onBatch, stepping) {
    if (!model) throw new Error('The model is not loaded yet.');
    const ticket = ++starts;
    opening ??= [];
    // One run at a time, and not beside the warm-up: they share the model's KV cache.
    await warmUp?.stop();
    while (current) {
      const running = current;
      running.loop.stop();
      await running.done;
      if (current === running) current = null;
    }
    if (ticket !== starts) return;
    const queued = opening ?? [];
    opening = null;
    const loop = createLoop(model, request, onBatch);
    if (stepping) loop.stepOnce();
    for (const action of queued) action(loop);
    if (deviceLost) loop.fail(deviceLost);
    current = { loop, done: loop.run() };
  },

  change: (change) => control((loop) => loop.change(change)),
  pause: () => control((loop) => loop.pause()),
  resume: () => control((loop) => loop.resume()),
  stepOnce: () => control((loop) => loop.stepOnce()),
  stop: () => control((loop) => loop.stop()),
  setPace: (tokensPerSecond) => control((loop) => loop.setPace(tokensPerSecond)),

  ping: () => true,
  timeline: () => [...(current?.loop.timeline ?? [])],
  memory: () => ({ wasmBytes: wasmMemoryBytes() }),

  async injectFault(fault: InjectedFault) {
    if (!testHooks) throw new Error('Faults can only be injected into a worker loaded with test hooks.');
    if (fault === 'step-error') {
      failNextStep = true;
      return;
    }
    const device = backend === 'webgpu' ? await webGpuDevice() : null;
    if (!device) throw new Error('There is no WebGPU device to destroy: the model runs on WASM.');
    device.destroy();
  },
};

Comlink.expose(api);
