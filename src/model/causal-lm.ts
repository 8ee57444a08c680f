/**
 * The shipped model behind the engine's `LanguageModel` interface, through transformers.js. The same
 * code runs in the browser worker (WebGPU or WASM) and in Node (onnxruntime-node) for the evaluation.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import type { LanguageModel } from '../steering/engine';
import {
  END_OF_TEXT,
  defaultVocabulary,
  discoverTags,
  tagGroups,
  tagNameOf,
  type TagGroup,
  type VocabularyFile,
} from '../steering/tags';

export type Device = 'webgpu' | 'wasm' | 'cpu';

/** Where a model's tag groups came from: its `tagplay.json`, or the default rule (`defaultVocabulary`). */
export type VocabularySource = 'file' | 'rule';

export interface LoadedModel {
  lm: KvCacheModel;
  tokenizer: PreTrainedTokenizer;
  groups: TagGroup[];
  /** The tokenizer's tags, whatever their groups: what a new grouping is matched against. */
  tagTokens?: { id: number; content: string }[];
  /** The grouping in force, in `tagplay.json`'s form, and where it came from. */
  tagVocabulary?: VocabularyFile;
  tagVocabularySource?: VocabularySource;
}

const int64 = (values: number[], dims: number[]) =>
  new Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );

/** Calls the ONNX decoder one chunk at a time, keeping `present.*` outputs as the next call's `past_key_values.*`. */
export class KvCacheModel implements LanguageModel {
  private past: Record<string, Tensor> | null = null;
  private length = 0;

  constructor(
    private readonly model: PreTrainedModel,
    readonly maxLength: number,
    readonly endOfText: number,
  ) {}

  reset(): void {
    this.disposePast();
    this.past = null;
    this.length = 0;
  }

  async next(tokens: number[]): Promise<Float32Array> {
    const total = this.length + tokens.length;
    const outputs = (await this.model({
      input_ids: int64(tokens, [1, tokens.length]),
      // Filled as BigInts directly: converting one number at a time cost tens of µs per token at long contexts.
      attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: int64(
        tokens.map((_, i) => this.length + i),
        [1, tokens.length],
      ),
      past_key_values: this.past,
    })) as Record<string, Tensor>;
    const next: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      if (name.startsWith('present.')) next[name.replace('present.', 'past_key_values.')] = tensor;
    }
    this.disposePast();
    this.past = next;
    this.length = total;
    const logits = outputs.logits;
    const vocab = logits.dims[2];
    // Copy the last row out, so the tensor's buffer can be reused by the runtime.
    return (logits.data as Float32Array).slice((tokens.length - 1) * vocab, tokens.length * vocab);
  }

  /**
   * Logits for every position of `tokens` read from the start, in one pass (rows × vocabulary); the
   * generation's cache is left as it was.
   */
  async scoreAll(tokens: number[]): Promise<Float32Array> {
    const outputs = (await this.model({
      input_ids: int64(tokens, [1, tokens.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(tokens.length).fill(1n), [1, tokens.length]),
      position_ids: int64(
        tokens.map((_, i) => i),
        [1, tokens.length],
      ),
      past_key_values: null,
    })) as Record<string, Tensor>;
    const logits = (outputs.logits.data as Float32Array).slice();
    for (const [name, tensor] of Object.entries(outputs))
      if (name.startsWith('present.') && tensor.location === 'gpu-buffer') tensor.dispose();
    return logits;
  }

  private disposePast(): void {
    // On WebGPU the cache lives in GPU buffers, which must be freed by hand.
    for (const t of Object.values(this.past ?? {})) if (t.location === 'gpu-buffer') t.dispose();
  }
}

export interface LoadOptions {
  progress?: (info: unknown) => void;
  /** Caps onnxruntime's intra-op threads (Node), for running several models side by side. */
  threads?: number;
  /** The model's `tagplay.json`, parsed, or null where it has none (its tags are then grouped by the default rule). */
  vocabulary?: unknown;
}

/** Loads tokenizer and model from the local model folder (`env.localModelPath` must point at its parent). */
export async function loadModel(
  name: string,
  device: Device,
  { progress, threads, vocabulary = null }: LoadOptions = {},
): Promise<LoadedModel> {
  const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true, progress_callback: progress });
  const session_options = threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : undefined;
  const model = await AutoModelForCausalLM.from_pretrained(name, {
    device,
    dtype: 'fp32',
    local_files_only: true,
    progress_callback: progress,
    session_options,
  });
  const config = model.config as unknown as { max_position_embeddings?: number; n_positions?: number };
  const tags = tokenizerTags(tokenizer);
  const tagVocabulary =
    (vocabulary as VocabularyFile | null) ?? defaultVocabulary(tags.map((t) => tagNameOf(t.content)!));
  return {
    lm: new KvCacheModel(model, config.max_position_embeddings ?? config.n_positions ?? 2048, endOfTextOf(tokenizer)),
    tokenizer,
    groups: tagGroups(tags, tagVocabulary),
    tagTokens: tags,
    tagVocabulary,
    tagVocabularySource: vocabulary === null ? 'rule' : 'file',
  };
}

/**
 * A tokenizer's tags: every tag was added to it as a special token, so the special tokens are where tags
 * are discovered, less those its configuration names for its own ends (beginning, end, padding, …).
 */
export function tokenizerTags(tokenizer: PreTrainedTokenizer): { id: number; content: string }[] {
  const special = tokenizer.all_special_tokens.map((content, i) => ({ id: tokenizer.all_special_ids[i], content }));
  const roles = [
    tokenizer.bos_token,
    tokenizer.eos_token,
    tokenizer.pad_token,
    tokenizer.unk_token,
    tokenizer.mask_token,
    tokenizer.sep_token,
  ].filter((t): t is string => typeof t === 'string');
  return discoverTags(special, roles);
}

/** The token that ends a document: `<|endoftext|>`, else the tokenizer's end-of-sequence token, else id 0. */
function endOfTextOf(tokenizer: PreTrainedTokenizer): number {
  const id = tokenizer.all_special_tokens.indexOf(END_OF_TEXT);
  if (id >= 0) return tokenizer.all_special_ids[id];
  const eos = tokenizer.eos_token_id as number | undefined;
  return typeof eos === 'number' ? eos : 0;
}
