import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it, vi } from 'vitest';
import { loadModel } from '../../src/model/causal-lm';
import {
  checkModelFiles,
  decoderProblem,
  hashFiles,
  isOwnModelId,
  modelName,
  ownFailureKind,
  ownModel,
  pickModelFiles,
  unsupportedOperator,
  type ModelFiles,
} from '../../src/model/own-model';
import { sha256Hex } from '../../src/model/sha256';
import { Generation } from '../../src/steering/engine';
import type { Policy } from '../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { defaultVocabulary, discoverTags, tagGroups } from '../../src/steering/tags';
import { linkModel } from '../../src/ui/link-model';
import { folderOnSite } from '../../src/ui/own-model-files';
import { memoryFetch } from '../../src/worker/memory-fetch';

const TINY = resolve(import.meta.dirname, '../fixtures/tiny-model');

function tinyFiles(): ModelFiles {
  const out: ModelFiles = {};
  for (const entry of readdirSync(TINY, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      const bytes = readFileSync(path);
      out[relative(TINY, path)] = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
  return out;
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
const errorOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not throw');
};

describe('SHA-256', () => {
  const expected = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  it('sha256Hex gives what node:crypto gives, across block boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expect(await sha256Hex(bytes)).toBe(expected(bytes));
      }),
    );
  });

  it('gives the same without crypto.subtle, as in a page that is not a secure context', async () => {
    vi.stubGlobal('crypto', undefined);
    try {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
          expect(await sha256Hex(bytes)).toBe(expected(bytes));
        }),
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('a model the user opens: its files', () => {
  it('takes the files of a picked folder, leaving out the folder’s name and files it does not read', () => {
    const listed = [
      'tiny/config.json',
      'tiny/tokenizer.json',
      'tiny/onnx/model.onnx',
      'tiny/README.md',
      'tiny/onnx/model_q4.onnx',
    ];
    const { folder, files } = pickModelFiles(listed.map((path) => ({ path, data: path })));
    expect(folder).toBe('tiny');
    expect(Object.keys(files).sort()).toEqual(['config.json', 'onnx/model.onnx', 'tokenizer.json']);
  });

  it('takes loose files, a lone model.onnx as onnx/model.onnx', () => {
    const { folder, files } = pickModelFiles(
      ['config.json', 'tokenizer.json', 'model.onnx', 'tagplay.json'].map((path) => ({ path, data: path })),
    );
    expect(folder).toBeNull();
    expect(files['onnx/model.onnx']).toBe('model.onnx');
    expect(files['tagplay.json']).toBe('tagplay.json');
  });

  it('takes a dropped folder’s entries, whose paths start with a slash', () => {
    const { folder, files } = pickModelFiles([
      { path: '/m/config.json', data: 1 },
      { path: '/m/onnx/model.onnx', data: 2 },
    ]);
    expect(folder).toBe('m');
    expect(files).toEqual({ 'config.json': 1, 'onnx/model.onnx': 2 });
  });

  it('names a missing file, and accepts the tiny model', () => {
    const files = tinyFiles();
    expect(() => checkModelFiles(files)).not.toThrow();
    const { 'tokenizer.json': _, ...without } = files;
    const error = errorOf(() => checkModelFiles(without));
    expect(ownFailureKind(error)).toBe('missing');
    expect(error.message).toMatch(/^The model folder has no tokenizer\.json\./);
  });

  it('refuses a config that is not JSON', () => {
    const error = errorOf(() => checkModelFiles({ ...tinyFiles(), 'config.json': json('x').slice(1) }));
    expect(ownFailureKind(error)).toBe('unreadable');
    expect(error.message).toMatch(/config\.json is not valid JSON/);
  });
});

describe('a model the user opens: is it a decoder', () => {
  it('accepts causal language models', () => {
    expect(decoderProblem({ model_type: 'llama', architectures: ['LlamaForCausalLM'] })).toBeNull();
    expect(decoderProblem({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], is_decoder: false })).toBeNull();
    expect(decoderProblem({ model_type: 'gpt2' })).toBeNull();
  });

  it('refuses encoders, encoder-decoders and configs that say they are no decoder', () => {
    expect(decoderProblem({ model_type: 'bert', architectures: ['BertForMaskedLM'] })).toMatch(
      /architecture, BertForMaskedLM, is not a causal language model/,
    );
    expect(
      decoderProblem({ model_type: 't5', architectures: ['T5ForConditionalGeneration'], is_encoder_decoder: true }),
    ).toMatch(/encoder-decoder model/);
    expect(decoderProblem({ model_type: 'bert', is_decoder: false })).toMatch(/is_decoder: false/);
    expect(decoderProblem({})).toMatch(/no model_type/);
    expect(decoderProblem([1])).toMatch(/not a set of settings/);
    const error = errorOf(() =>
      checkModelFiles({ ...tinyFiles(), 'config.json': json({ model_type: 'bert', architectures: ['BertModel'] }) }),
    );
    expect(ownFailureKind(error)).toBe('not-decoder');
  });
});

describe('a model the user opens: its name, id and errors', () => {
  it('is named by its folder, and identified by its name and a hash of its files', async () => {
    const files = tinyFiles();
    const model = await ownModel('tiny model!', 'your disk', files);
    expect(model.name).toBe('tiny-model');
    expect(isOwnModelId(model.id)).toBe(true);
    expect(model.id).toBe(`tiny-model@${(await hashFiles(files)).slice(0, 12)}`);
    // The same files in another order give the same id; other groups set on the page, another.
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect((await ownModel('tiny-model', 'x', reversed)).id).toBe(model.id);
    const regrouped = await ownModel('tiny-model', 'x', files, defaultVocabulary(['calm']), model.filesHash);
    expect(regrouped.id).not.toBe(model.id);
    expect(regrouped.id.startsWith('tiny-model@')).toBe(true);
  });

  it('tells its ids from the site’s folder names', () => {
    expect(isOwnModelId('tagplay-8m-443ab9129c')).toBe(false);
    expect(isOwnModelId('mine@0123456789ab')).toBe(true);
    expect(modelName('')).toBe('model');
    expect(modelName('a/b c')).toBe('a-b-c');
  });

  it('reads the operator out of onnxruntime’s errors', () => {
    expect(
      unsupportedOperator(
        "Can't create a session. ERROR_MESSAGE: ... Error No Op registered for Softmix with domain_version of 14",
      ),
    ).toEqual({ op: 'Softmix', opset: 14 });
    expect(unsupportedOperator('Could not find an implementation for MatMulNBits(1) node with name')).toEqual({
      op: 'MatMulNBits',
      opset: 1,
    });
    expect(unsupportedOperator('out of memory')).toBeNull();
  });

  it('reads the model a share link names, before its tags are checked', () => {
    const link = LZString.compressToEncodedURIComponent(JSON.stringify({ version: 3, model: 'mine@0123456789ab' }));
    expect(linkModel(link)).toBe('mine@0123456789ab');
    expect(linkModel('not a link')).toBeNull();
    expect(linkModel(LZString.compressToEncodedURIComponent('{"model": 3}'))).toBeNull();
  });

  it('takes a path on the site, and refuses one on another origin', () => {
    const base = new URL('https://example.org/tagplay/');
    expect(folderOnSite('models/mine', base).href).toBe('https://example.org/tagplay/models/mine/');
    expect(folderOnSite('/other/place/', base).href).toBe('https://example.org/other/place/');
    for (const path of [
      'https://evil.example/m/',
      '//evil.example/m/',
      'data:text/plain,x',
      'blob:https://evil.example/x',
    ])
      expect(ownFailureKind(errorOf(() => folderOnSite(path, base))), path).toBe('other-origin');
  });
});

describe('tags discovered from a tokenizer', () => {
  const added = (contents: string[]) => contents.map((content, id) => ({ id, content }));

  it('are its special tokens of the form <word>, less those it keeps for its own ends', () => {
    const tokens = added([
      '<s>',
      '</s>',
      '<unk>',
      '<pad>',
      '<|endoftext|>',
      '<calm>',
      '<excited>',
      '<mask>',
      '<bos_x>',
    ]);
    expect(discoverTags(tokens, ['<bos_x>']).map((t) => t.content)).toEqual(['<calm>', '<excited>']);
  });

  it('are grouped by the default rule into one group that opens sentences', () => {
    const tokens = added(['<|endoftext|>', '<poem>', '<calm>']);
    const groups = tagGroups(discoverTags(tokens), defaultVocabulary(['poem', 'calm']));
    expect(groups).toEqual([
      {
        name: 'tags',
        opens: 'sentence',
        tags: [
          { name: 'poem', id: 1 },
          { name: 'calm', id: 2 },
        ],
      },
    ]);
    expect(defaultVocabulary([])).toEqual({ groups: [] });
  });
});

describe('the tiny test model, through the browser’s code path in Node', () => {
  it('answers from memory: the files it has, 404 for the rest, and passes other addresses by', async () => {
    const folder = new URL('http://site.test/tagplay/models/own/');
    const passed: string[] = [];
    const fetchFrom = memoryFetch(
      folder,
      { 'onnx/model.onnx': json([1]) },
      async (input) => {
        passed.push(String(input));
        return new Response('elsewhere');
      },
      'http://site.test/tagplay/',
    );
    expect(await (await fetchFrom('/tagplay/models/own/onnx/model.onnx')).text()).toBe('[1]');
    expect((await fetchFrom('/tagplay/models/own/generation_config.json')).status).toBe(404);
    expect(await (await fetchFrom('/tagplay/ort/x.wasm')).text()).toBe('elsewhere');
    expect(passed).toEqual(['/tagplay/ort/x.wasm']);
  });

  it('loads with the default rule or its tagplay.json, and a ban of <excited> holds', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = resolve(TINY, '..') + '/';
    const byRule = await loadModel('tiny-model', 'cpu');
    expect(byRule.tagVocabularySource).toBe('rule');
    expect(byRule.groups.map((g) => [g.name, g.tags.map((t) => t.name)])).toEqual([
      ['tags', ['poem', 'calm', 'excited']],
    ]);
    const vocabulary = JSON.parse(readFileSync(join(TINY, 'tagplay.json'), 'utf8')) as unknown;
    const model = await loadModel('tiny-model', 'cpu', { vocabulary });
    expect(model.tagVocabularySource).toBe('file');
    expect(model.groups.map((g) => g.name)).toEqual(['mood', 'form']);
    expect(model.lm.maxLength).toBe(128);
    const texts = async (policy: Policy, seed: number) => {
      const generation = new Generation(model.lm, model.groups, {
        promptIds: model.tokenizer.encode('<poem><calm>', { add_special_tokens: false }),
        seed,
        sampling: DEFAULT_SAMPLING,
        maxNewTokens: 100,
        initialPolicy: policy,
      });
      const ids: number[] = [];
      for (let step = await generation.step(); step; step = await generation.step()) ids.push(step.token);
      return model.tokenizer.decode(ids);
    };
    // The first seed whose free text turns excited.
    let seed = 1;
    while (seed < 10 && !(await texts({}, seed)).includes('<excited>')) seed++;
    expect(seed).toBeLessThan(10);
    const banned = await texts({ excited: { mode: 'ban', boost: 0 } }, seed);
    expect(banned).not.toContain('<excited>');
    expect(banned).toContain('<calm>');
  });
});
