import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForCausalLM, type PreTrainedModel } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { loadNodeModel } from '../../models/recipe/load-node';
import { MODEL_DIR, MODEL_NAME } from '../../models/recipe/paths';
import { PROMPT, WARMUP_TOKENS } from '../core/bench-settings';
import { hfGenerate } from '../core/hf-generate';
import { measureHookCost, recordSteps, type HookCost } from '../core/hook-cost';
import { modelShape } from '../core/model-shape';
import { rawDecode, type RawRuntime, type RawTensor } from '../core/raw-loop';
import { pathMeters } from '../core/method-meter';
import { ratiosOf, runSuite, type PathResult, type Ratios } from '../core/suite';
import { tagplayDecode } from '../core/tagplay-path';
import { decodeEach } from '../../src/worker/token-text';
import { messagingDecode } from './messaging-path';

export interface NodeResult {
  backend: string;
  newTokens: number;
  promptTokens: number;
  /** transformers.js model and tokenizer load from disk, through `loadNodeModel`. */
  loadMs: number;
  paths: PathResult[];
  ratios: Ratios;
  hook: HookCost;
}

/** transformers.js creates its Node sessions with only the execution provider set, so the raw loop does too. */
async function rawRuntime(): Promise<RawRuntime> {
  const session = await ort.InferenceSession.create(join(MODEL_DIR, 'onnx/model.onnx'), {
    executionProviders: ['cpu'],
  });
  return {
    int64: (data, dims) => new ort.Tensor('int64', data, dims),
    float32: (data, dims) => new ort.Tensor('float32', data, dims),
    // Every tensor the loop passes in was made by the two functions above, so it is an ort.Tensor.
    run: (feeds) => session.run(feeds as Record<string, ort.Tensor>) as Promise<Record<string, RawTensor>>,
  };
}

/** All four paths and the hook cost on onnxruntime-node, each path on its own session. */
export async function runNodeSuite(newTokens: number, repeats: number, hookPasses: number): Promise<NodeResult> {
  const shape = modelShape(JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8')));
  const loadStart = performance.now();
  const { lm, tokenizer, groups } = await loadNodeModel();
  const loadMs = performance.now() - loadStart;
  const generator = (await AutoModelForCausalLM.from_pretrained(MODEL_NAME, {
    device: 'cpu',
    dtype: 'fp32',
    local_files_only: true,
  })) as PreTrainedModel;
  const raw = await rawRuntime();
  const meters = pathMeters(ort.InferenceSession);
  const runtime = { runtime: meters.runtime };
  const promptIds = tokenizer.encode(PROMPT, { add_special_tokens: false });
  const decode = (ids: number[]) =>
    tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  const vocabulary = decodeEach(decode, tokenizer.get_vocab().size);

  const paths = await runSuite(
    [
      {
        id: 'raw',
        label: '(a) raw onnxruntime loop, no hook',
        run: async (n) => [await rawDecode(raw, shape, promptIds, n, runtime)],
      },
      {
        id: 'generate',
        label: '(b) transformers.js generate(), no hook',
        run: async (n) => [await hfGenerate(generator, promptIds, n, runtime)],
      },
      {
        id: 'tagplay',
        label: '(c) tagplay Generation, hook + live policy',
        run: async (n) => [await tagplayDecode(lm, groups, promptIds, n, meters)],
      },
      {
        id: 'messaging',
        label: '(d) (c) + RunLoop records + messaging',
        run: async (n) => [await messagingDecode(lm, groups, decode, vocabulary, promptIds, n, meters)],
      },
    ],
    newTokens,
    repeats,
    WARMUP_TOKENS,
  );
  const hook = measureHookCost(await recordSteps(lm, groups, promptIds, newTokens), groups, hookPasses);
  return {
    backend: `onnxruntime-node ${ort.env.versions.node ?? ''} (CPU)`,
    newTokens,
    promptTokens: promptIds.length,
    loadMs,
    paths,
    ratios: ratiosOf(paths),
    hook,
  };
}
