import { readdir } from 'node:fs/promises';
import { relative } from 'node:path';
import { expect, it } from 'vitest';
import { MODEL_NAME } from '../../src/model/model-name';
import { SITE_DIR } from './harness/build-site';

it('ships one onnxruntime flavour, once, and only the model files the browser loads', async () => {
  const files = (await readdir(SITE_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(SITE_DIR, `${entry.parentPath}/${entry.name}`))
    .sort();
  expect(files.filter((f) => f.endsWith('.wasm'))).toEqual(['ort/ort-wasm-simd-threaded.asyncify.wasm']);
  expect(files.filter((f) => f.startsWith('ort/'))).toEqual([
    'ort/ort-wasm-simd-threaded.asyncify.mjs',
    'ort/ort-wasm-simd-threaded.asyncify.wasm',
  ]);
  expect(files.filter((f) => f.startsWith('models/'))).toEqual(
    [
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'tagger.json',
      'tagplay.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ].map((f) => `models/${MODEL_NAME}/${f}`),
  );
  expect(files.filter((f) => !/^(assets|models|ort)\//.test(f))).toEqual(['index.html']);
});
