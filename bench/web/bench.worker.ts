/**
 * Runs paths (a), (b) and (c) and the hook cost inside a worker, as the app runs generation, so that
 * the browser figures carry the same thread setup as the app's worker. Each path times itself here;
 * nothing crosses to the page while a run is timed.
 */
import { AutoModelForCausalLM, type PreTrainedModel } from '@huggingface/transformers';
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import { loadModel, type LoadedModel } from '../../src/model/causal-lm';
import { MODEL_NAME } from '../../src/model/model-name';
import { fetchVocabulary } from '../../src/model/vocabulary-fetch';
import { VOCABULARY_FILE } from '../../src/worker/model-files';
import { hasJspi, runtimeBuildFor } from '../../src/worker/runtime-builds';
import { useLocalRuntime, useRuntimeBuild } from '../../src/worker/runtime-env';
import { PROMPT } from '../core/bench-settings';
import { hfGenerate } from '../core/hf-generate';
import { measureHookCost, recordSteps } from '../core/hook-cost';
import { modelShape, type ModelShape } from '../core/model-shape';
import { rawDecode, type RawRuntime, type RawTensor } from '../core/raw-loop';
import { findFullLengthSeed } from '../core/seed-search';
import { pathMeters, type PathMeters } from '../core/method-meter';
import { tagplayDecode } from '../core/tagplay-path';
import type { BenchWorkerApi } from './bench-api';

interface Loaded {
  shape: ModelShape;
  raw: RawRuntime;
  meters: PathMeters;
  generator: PreTrainedModel;
  tagplay: LoadedModel;
  promptIds: number[];
}

let loaded: Loaded | null = null;

const fetchOk = async (url: string): Promise<Response> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
};

/** A plain onnxruntime-web session made the way transformers.js makes its own (same EP, cache kept on the GPU under WebGPU). */
async function rawRuntime(backend: 'wasm' | 'webgpu', modelUrl: string, shape: ModelShape): Promise<RawRuntime> {
  const bytes = new Uint8Array(await (await fetchOk(modelUrl)).arrayBuffer());
  const presents = Array.from({ length: shape.layers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [backend],
    preferredOutputLocation:
      backend === 'webgpu' ? Object.fromEntries(presents.map((n) => [n, 'gpu-buffer' as const])) : undefined,
  });
  return {
    int64: (data, dims) => new ort.Tensor('int64', data, dims),
    float32: (data, dims) => new ort.Tensor('float32', data, dims),
    // Every tensor the loop passes in was made by the two functions above, so it is an ort.Tensor.
    run: (feeds) => session.run(feeds as Record<string, ort.Tensor>) as Promise<Record<string, RawTensor>>,
  };
}

const need = (): Loaded => {
  if (!loaded) throw new Error('load() first');
  return loaded;
};

const api: BenchWorkerApi = {
  async load(backend, basePath) {
    useLocalRuntime(basePath);
    // The build the playground's worker picks for this backend.
    useRuntimeBuild(basePath, runtimeBuildFor(backend, hasJspi()));
    const modelBase = `${basePath}models/${MODEL_NAME}/`;
    const shape = modelShape(await (await fetchOk(`${modelBase}config.json`)).json());
    const vocabulary = await fetchVocabulary(new URL(`${modelBase}${VOCABULARY_FILE}`, self.location.origin));
    const tagplay = await loadModel(MODEL_NAME, backend, { vocabulary });
    const generator = (await AutoModelForCausalLM.from_pretrained(MODEL_NAME, {
      device: backend,
      dtype: 'fp32',
      local_files_only: true,
    })) as PreTrainedModel;
    const raw = await rawRuntime(backend, `${modelBase}onnx/model.onnx`, shape);
    loaded = {
      shape,
      raw,
      meters: pathMeters(ort.InferenceSession),
      generator,
      tagplay,
      promptIds: tagplay.tokenizer.encode(PROMPT, { add_special_tokens: false }),
    };
  },

  async run(path, newTokens) {
    const { shape, raw, meters, generator, tagplay, promptIds } = need();
    const runtime = { runtime: meters.runtime };
    if (path === 'raw') return rawDecode(raw, shape, promptIds, newTokens, runtime);
    if (path === 'generate') return hfGenerate(generator, promptIds, newTokens, runtime);
    return tagplayDecode(tagplay.lm, tagplay.groups, promptIds, newTokens, meters);
  },

  async hookCost(newTokens, passes) {
    const { tagplay, promptIds } = need();
    return measureHookCost(await recordSteps(tagplay.lm, tagplay.groups, promptIds, newTokens), tagplay.groups, passes);
  },

  async findSeed(newTokens) {
    const { tagplay, promptIds } = need();
    return findFullLengthSeed(tagplay.lm, tagplay.groups, promptIds, newTokens);
  },
};

Comlink.expose(api);
