/**
 * The model worker: loads the model once, then runs one generation at a time for the page. Everything
 * about ONNX and transformers.js stays behind this file and `src/model/`.
 */
import * as Comlink from 'comlink';
import { loadModel, type LoadedModel } from '../model/causal-lm';
import { Generation } from '../steering/engine';
import type { BatchListener, LoadProgress, LoadResult, RunEnd, RunRequest, WorkerApi } from './api';
import { pickBackend, probeWebGpu } from './backend';
import { RunLoop } from './run-loop';
import { MODEL_NAME, useLocalRuntime } from './runtime-env';
import { TokenTexts } from './token-text';

let model: LoadedModel | null = null;
let current: { loop: RunLoop; done: Promise<RunEnd> } | null = null;
/** Counts `start` calls, so that of several that wait for the same run to stop only the last goes on. */
let starts = 0;
/**
 * Controls that arrive while a run is starting belong to the new run, which the page already shows;
 * they wait here and are applied, in order, before its first token.
 */
let opening: ((loop: RunLoop) => void)[] | null = null;

function control(action: (loop: RunLoop) => void): void {
  if (opening) opening.push(action);
  else if (current) action(current.loop);
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function decoder(loaded: LoadedModel): (ids: number[]) => string {
  return (ids) => loaded.tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
}

/** transformers.js reports progress as loosely typed objects; only file downloads with a size become progress. */
function toProgress(info: unknown): LoadProgress | null {
  const event = info as { status?: string; file?: string; progress?: number };
  if (event.status !== 'progress' || typeof event.file !== 'string') return null;
  return { file: event.file, fraction: typeof event.progress === 'number' ? event.progress / 100 : null };
}

function createLoop(loaded: LoadedModel, request: RunRequest, onBatch: BatchListener): RunLoop {
  const { lm, groups, tokenizer } = loaded;
  const encoded = tokenizer.encode(request.prompt, { add_special_tokens: false });
  // An empty prompt starts a fresh document, which in training always followed an end-of-text.
  const promptIds = encoded.length > 0 ? encoded : [lm.endOfText];
  const generation = new Generation(lm, groups, {
    promptIds,
    seed: request.seed,
    sampling: request.sampling,
    maxNewTokens: request.maxNewTokens,
    initialPolicy: request.initialPolicy,
    timeline: request.timeline,
  });
  const texts = new TokenTexts(decoder(loaded));
  return new RunLoop(generation, (step) => ({ ...step, text: texts.next(step.token) }), onBatch, promptIds.length, request.pace);
}

const api: WorkerApi = {
  async load(options, onProgress): Promise<LoadResult> {
    if (model) throw new Error('The model is already loaded; start a new worker to change backend.');
    useLocalRuntime(options.basePath);
    const probe = await probeWebGpu();
    let { backend, reason } = pickBackend(options.device, probe);
    const report = (info: unknown) => {
      const progress = toProgress(info);
      if (progress) onProgress(progress);
    };
    try {
      model = await loadModel(MODEL_NAME, backend, report);
    } catch (error) {
      if (backend !== 'webgpu') throw error;
      reason = `WebGPU failed to start (${errorText(error)}), so WASM`;
      backend = 'wasm';
      model = await loadModel(MODEL_NAME, backend, report);
    }
    const decode = decoder(model);
    const vocabulary = Array.from({ length: model.tokenizer.get_vocab().size }, (_, id) => decode([id]));
    return {
      backend,
      reason,
      webgpuAvailable: probe.available,
      groups: model.groups,
      vocabulary,
    };
  },

  async start(request, onBatch, stepping) {
    if (!model) throw new Error('The model is not loaded yet.');
    const ticket = ++starts;
    opening ??= [];
    // One run at a time: they share the model's KV cache.
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
    current = { loop, done: loop.run() };
  },

  change: (change) => control((loop) => loop.change(change)),
  pause: () => control((loop) => loop.pause()),
  resume: () => control((loop) => loop.resume()),
  stepOnce: () => control((loop) => loop.stepOnce()),
  stop: () => control((loop) => loop.stop()),
  setPace: (tokensPerSecond) => control((loop) => loop.setPace(tokensPerSecond)),
};

Comlink.expose(api);
