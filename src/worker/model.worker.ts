/**
 * The model worker: loads the model once, then runs one generation at a time for the page. Everything
 * about ONNX and transformers.js stays behind this file and `src/model/`.
 */
import { env } from '@huggingface/transformers';
import * as Comlink from 'comlink';
import { errorText } from '../error-text';
import { inspectModel, inspectText } from '../inspect/inspect';
import { loadModel, type LoadedModel } from '../model/causal-lm';
import { MODEL_DIR } from '../model/model-name';
import { parseJsonFile } from '../model/own-model';
import { fetchVocabulary } from '../model/vocabulary-fetch';
import { generateSample, type Sample } from '../measure/samples';
import { summarize } from '../measure/summary';
import { Generation } from '../steering/engine';
import { sentenceTags } from '../steering/tags';
import type { Tagger } from '../tagger/index';
import { parseTagger } from '../tagger/weights-file';
import type { Backend, BatchListener, LoadResult, RunEnd, RunRequest, WorkerApi } from './api';
import { pickBackend, probeWebGpu } from './backend';
import { webGpuDevice } from './gpu-device';
import { explainLoadFailure, explainOwnLoadFailure } from './load-failure';
import { VOCABULARY_FILE, WORKER_MODEL_FILES } from './model-files';
import { memoryFetch } from './memory-fetch';
import { fetchWithProgress } from './progress-fetch';
import { EventYield, RunLoop, type RunFailure } from './run-loop';
import { hasJspi, runtimeBuildFor } from './runtime-builds';
import { runtimeUrls, useLocalRuntime, useRuntimeBuild } from './runtime-env';
import { TokenTexts, decodeEach } from './token-text';
import { wasmMemoryBytes } from './wasm-memory';
import type { TestFaults } from './test-faults';
import { WarmUp } from './warm-up';

/**
 * Warm-up steps after loading: on WASM enough for V8's optimizing compiler to take up the decode path; on
 * WebGPU, the shaders.
 */
const WARM_UP_STEPS: Record<Backend, number> = { wasm: 192, webgpu: 8 };

/** The folder name a model the user opened is answered under, from memory (`memory-fetch.ts`). */
const OWN_MODEL_FOLDER = 'tagplay-own-model';
/** transformers.js needs a `tokenizer_config.json`; a model folder without one gets this. */
const EMPTY_JSON = new TextEncoder().encode('{}').buffer as ArrayBuffer;

function decoder(loaded: LoadedModel): (ids: number[]) => string {
  return (ids) => loaded.tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
}

/** The worker's one loaded model and its one run at a time. */
class ModelWorkerState {
  model: LoadedModel | null = null;
  /** Each token's text on its own, by id. */
  vocabulary: string[] = [];
  backend: Backend | null = null;
  current: { loop: RunLoop; done: Promise<RunEnd> } | null = null;
  warmUp: WarmUp | null = null;
  /** Counts `start` calls, so that of several that wait for the same run to stop only the last goes on. */
  starts = 0;
  /**
   * Controls that arrive while a run is starting belong to the new run, which the page already shows;
   * they wait here and are applied, in order, before its first token.
   */
  opening: ((loop: RunLoop) => void)[] | null = null;
  /** Once the WebGPU device is lost, every later step fails with this error. */
  deviceLost: Error | null = null;
  /** Loaded only for a page with test hooks. */
  faults: TestFaults | null = null;
  /** The model's folder, where `inspect` finds the tagger. */
  modelDir: URL | null = null;
  tagger: Promise<Tagger> | null = null;
  /** An inspection or a measurement in progress: runs wait for it, as they share the model. */
  busy: Promise<unknown> | null = null;

  /** The measurement in progress, which `cancelMeasure` stops before its next sample. */
  measuring: AbortController | null = null;

  loaded(): LoadedModel {
    if (!this.model || !this.modelDir) throw new Error('The model is not loaded yet.');
    return this.model;
  }

  /**
   * A model the user opened: its `tagger.json`, or null when it has none; undefined for the site's model,
   * whose tagger is fetched from its folder.
   */
  ownTagger: ArrayBuffer | null | undefined = undefined;

  /** The tagger from the model's folder, fetched once (again after a failure). */
  async loadTagger(): Promise<Tagger> {
    this.loaded();
    const url = new URL('tagger.json', this.modelDir!);
    const own = this.ownTagger;
    this.tagger ??=
      own === undefined
        ? fetch(url).then(async (response) => {
            if (!response.ok) throw new Error(`The tagger (${url.pathname}) answered HTTP ${response.status}.`);
            return parseTagger(await response.json());
          })
        : own === null
          ? Promise.reject(new Error('This model has no tagger.json, so the tagger cannot label its sentences.'))
          : Promise.resolve().then(() => parseTagger(JSON.parse(new TextDecoder().decode(own))));
    return this.tagger.catch((error: unknown) => {
      this.tagger = null;
      throw error;
    });
  }

  /** Runs `job` alone on the model: the current run and the warm-up stop first, and runs wait for it. */
  async exclusive<T>(job: () => Promise<T>): Promise<T> {
    const before = this.busy;
    const busy = (async () => {
      await before?.catch(() => undefined);
      await this.stopAll();
      return job();
    })();
    this.busy = busy;
    try {
      return await busy;
    } finally {
      if (this.busy === busy) this.busy = null;
    }
  }

  /** Stops the warm-up and the current run, and waits until the model is free. */
  async stopAll(): Promise<void> {
    await this.warmUp?.stop();
    while (this.current) {
      const running = this.current;
      running.loop.stop();
      await running.done;
      if (this.current === running) this.current = null;
    }
  }

  control(action: (loop: RunLoop) => void): void {
    if (this.opening) this.opening.push(action);
    else if (this.current) action(this.current.loop);
  }

  /** Watches the WebGPU device: when it is lost, the current run ends with that error, and so does every later one. */
  async watchDevice(): Promise<void> {
    const device = await webGpuDevice();
    if (!device) return;
    const info = await device.lost;
    const reason = info.reason && info.reason !== 'unknown' ? `${info.reason}` : 'no reason given';
    const lost = new Error(`The GPU device was lost (${reason}${info.message ? `: ${info.message}` : ''}).`);
    lost.name = 'DeviceLostError';
    this.deviceLost = lost;
    this.current?.loop.fail(lost);
  }

  /** What the page is told about an error that ended a run: a lost device is named as such. */
  async explainRunError(error: unknown): Promise<RunFailure> {
    if (this.backend === 'webgpu' && !this.deviceLost) {
      // A destroyed device fails the step and resolves `lost` at about the same time; let `lost` land first.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lost = this.deviceLost;
    if (lost) {
      // onnxruntime's own error after a loss is a long internal message; the loss itself says what happened.
      if (error !== lost) console.warn(`The step after the GPU device was lost failed with: ${errorText(error)}`);
      return { kind: 'device-lost', message: lost.message };
    }
    return { kind: 'generation', message: errorText(error) };
  }

  createLoop(loaded: LoadedModel, request: RunRequest, onBatch: BatchListener): RunLoop {
    const { lm, groups, tokenizer } = loaded;
    const encoded = tokenizer.encode(request.prompt, { add_special_tokens: false });
    // An empty prompt starts a fresh document, which in training always followed an end-of-text.
    const promptIds = encoded.length > 0 ? encoded : [lm.endOfText];
    const vocabularySize = this.vocabulary.length;
    if (request.prefix?.some((id) => !Number.isInteger(id) || id < 0 || id >= vocabularySize))
      throw new Error('A fork was asked to go on from tokens this model does not have.');
    const generation = new Generation(this.faults?.wrap(lm) ?? lm, groups, {
      promptIds,
      seed: request.seed,
      sampling: request.sampling,
      maxNewTokens: request.maxNewTokens,
      initialPolicy: request.initialPolicy,
      timeline: request.timeline,
      alarm: request.alarm,
      prefix: request.prefix,
    });
    const texts = new TokenTexts(decoder(loaded), this.vocabulary);
    // A character split over the fork's last shared token and its first own one comes out whole, as in the original.
    for (const token of request.prefix ?? []) texts.next(token);
    return new RunLoop(
      generation,
      (step) => ({ ...step, text: texts.next(step.token) }),
      onBatch,
      promptIds.length,
      request.pace,
      (error) => this.explainRunError(error),
    );
  }
}

const state = new ModelWorkerState();

const api: WorkerApi = {
  async load(options, onProgress): Promise<LoadResult> {
    if (state.model) throw new Error('The model is already loaded; start a new worker to change backend.');
    if (options.testHooks) state.faults = new (await import('./test-faults')).TestFaults();
    useLocalRuntime(options.basePath);
    const probe = await probeWebGpu();
    let { backend: chosen, reason } = pickBackend(options.device, probe);
    // onnxruntime loads one build per worker: a WebGPU one also runs WASM sessions, should WebGPU fail to start.
    const build = runtimeBuildFor(chosen, hasJspi());
    useRuntimeBuild(options.basePath, build);
    const own = options.own ?? null;
    // A model the user opened is answered from memory under a folder name of its own, which the site never serves.
    const folder = own ? OWN_MODEL_FOLDER : MODEL_DIR;
    const modelDir = new URL(`${options.basePath}models/${folder}/`, self.location.origin);
    // Each file's progress, named by its path in the model's folder.
    env.fetch = fetchWithProgress(
      (url, loaded, total) =>
        onProgress({
          file: decodeURI(url).replace(modelDir.href, '').replace(modelDir.pathname, ''),
          fraction: total ? loaded / total : null,
        }),
      own ? memoryFetch(modelDir, { 'tokenizer_config.json': EMPTY_JSON, ...own.files }) : fetch,
    );
    const runtime = Object.values(runtimeUrls(options.basePath, build)).map((url) => ({
      name: `The runtime file ${url.pathname.slice(url.pathname.lastIndexOf('/') + 1)}`,
      url,
    }));
    const needed = [
      ...WORKER_MODEL_FILES.map((file) => ({ name: `The model file ${file}`, url: new URL(file, modelDir) })),
      ...runtime,
    ];
    let model: LoadedModel;
    try {
      const tagVocabulary = own
        ? (own.groups ?? parseJsonFile(own.files, VOCABULARY_FILE))
        : await fetchVocabulary(new URL(VOCABULARY_FILE, modelDir));
      const loadOptions = { vocabulary: tagVocabulary };
      try {
        model = await loadModel(folder, chosen, loadOptions);
      } catch (error) {
        if (chosen !== 'webgpu') throw error;
        reason = `WebGPU failed to start (${errorText(error)}), so WASM`;
        chosen = 'wasm';
        model = await loadModel(folder, chosen, loadOptions);
      }
    } catch (error) {
      throw own
        ? await explainOwnLoadFailure(error, runtime, chosen === 'webgpu' ? 'WebGPU' : 'WASM')
        : await explainLoadFailure(error, needed);
    }
    state.model = model;
    state.backend = chosen;
    state.modelDir = modelDir;
    state.ownTagger = own ? (own.files['tagger.json'] ?? null) : undefined;
    if (chosen === 'webgpu') void state.watchDevice();
    state.warmUp = new WarmUp(model.lm, WARM_UP_STEPS[chosen]);
    state.vocabulary = decodeEach(decoder(model), model.tokenizer.get_vocab().size);
    return {
      backend: chosen,
      reason,
      webgpuAvailable: probe.available,
      webgpuSoftware: probe.available && probe.software,
      groups: model.groups,
      tagVocabulary: model.tagVocabulary ?? { groups: [] },
      tagVocabularySource: own?.groups ? 'page' : (model.tagVocabularySource ?? 'file'),
      vocabulary: state.vocabulary,
      maxLength: model.lm.maxLength,
    };
  },

  async start(request, onBatch, stepping) {
    const model = state.model;
    if (!model) throw new Error('The model is not loaded yet.');
    const ticket = ++state.starts;
    state.opening ??= [];
    // One run at a time, and not beside the warm-up or an inspection: they share the model.
    await state.stopAll();
    await state.busy?.catch(() => undefined);
    if (ticket !== state.starts) return;
    const queued = state.opening ?? [];
    state.opening = null;
    const loop = state.createLoop(model, request, onBatch);
    if (stepping) loop.stepOnce();
    for (const action of queued) action(loop);
    if (state.deviceLost) loop.fail(state.deviceLost);
    state.current = { loop, done: loop.run() };
  },

  change: (change) => state.control((loop) => loop.change(change)),
  pause: () => state.control((loop) => loop.pause()),
  resume: () => state.control((loop) => loop.resume()),
  stepOnce: () => state.control((loop) => loop.stepOnce()),
  stop: () => state.control((loop) => loop.stop()),
  setPace: (tokensPerSecond) => state.control((loop) => loop.setPace(tokensPerSecond)),

  ping: () => true,
  timeline: () => [...(state.current?.loop.timeline ?? [])],
  memory: () => ({ wasmBytes: wasmMemoryBytes() }),

  async inspect(text) {
    const model = state.loaded();
    const tagger = await state.loadTagger();
    return state.exclusive(() => {
      const texts = new TokenTexts(decoder(model), state.vocabulary);
      return inspectText(
        text,
        tagger,
        inspectModel(model, (id) => texts.next(id)),
      );
    });
  },

  async measure(request, onProgress) {
    const model = state.loaded();
    const tagger = await state.loadTagger();
    const tags = sentenceTags(model.groups).opening;
    const cancelled = new AbortController();
    state.measuring = cancelled;
    return state.exclusive(async () => {
      const { run } = request;
      const steeredSpec = {
        prompt: run.prompt,
        policy: run.initialPolicy,
        timeline: run.timeline,
        sampling: run.sampling,
        tokens: run.maxNewTokens,
      };
      const freeSpec = { ...steeredSpec, policy: {}, timeline: [] };
      const steered: Sample[] = [];
      const free: Sample[] = [];
      const started = performance.now();
      const total = 2 * request.samples;
      // The model's steps never leave the task, so `cancelMeasure` is heard only where a sample ends.
      const yields = new EventYield();
      try {
        for (let i = 0; i < request.samples; i++) {
          for (const [spec, into] of [
            [steeredSpec, steered],
            [freeSpec, free],
          ] as const) {
            if (cancelled.signal.aborted) throw new Error('Measuring was cancelled.');
            into.push(await generateSample(model, tagger, spec, run.seed + i));
            onProgress({ done: steered.length + free.length, total, elapsedMs: performance.now() - started });
            await yields.next();
          }
        }
      } finally {
        yields.close();
      }
      const summary = summarize(steered, free, {
        tags,
        policy: run.initialPolicy,
        timeline: run.timeline,
        threshold: request.threshold,
        within: request.within,
      });
      return { request, tags, summary, steered, free, elapsedMs: performance.now() - started };
    });
  },

  cancelMeasure: () => state.measuring?.abort(),

  async injectFault(fault) {
    if (!state.faults) throw new Error('Faults can only be injected into a worker loaded with test hooks.');
    await state.faults.inject(fault, state.backend);
  },
};

Comlink.expose(api);
