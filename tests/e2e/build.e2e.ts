import { readFile, readdir } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { servedModelDir, servedRuntimeDir } from '../../site/served-paths';
import { BUILD_COMMAND, SITE_DIR } from './harness/build-site';

it('ships the three onnxruntime builds the worker chooses from, once each, and only the model files the browser loads, in folders named by version and content', async () => {
  const files = (await readdir(SITE_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(SITE_DIR, `${entry.parentPath}/${entry.name}`))
    .sort();
  const ort = servedRuntimeDir();
  expect(files.filter((f) => f.endsWith('.wasm'))).toEqual([
    `${ort}ort-wasm-simd-threaded.asyncify.wasm`,
    `${ort}ort-wasm-simd-threaded.jspi.wasm`,
    `${ort}ort-wasm-simd-threaded.wasm`,
  ]);
  expect(files.filter((f) => f.startsWith('ort/'))).toEqual(
    [
      'ort-wasm-simd-threaded.asyncify.mjs',
      'ort-wasm-simd-threaded.asyncify.wasm',
      'ort-wasm-simd-threaded.jspi.mjs',
      'ort-wasm-simd-threaded.jspi.wasm',
      'ort-wasm-simd-threaded.mjs',
      'ort-wasm-simd-threaded.wasm',
    ].map((f) => ort + f),
  );
  expect(files.filter((f) => f.startsWith('models/'))).toEqual(
    [
      'agreement.json',
      'config.json',
      'eval.json',
      'generation_config.json',
      'onnx/model.onnx',
      'tagger-eval.json',
      'tagger.json',
      'tagplay.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ].map((f) => `models/${servedModelDir()}/${f}`),
  );
  expect(files.filter((f) => !/^(assets|models|ort)\//.test(f))).toEqual(['index.html', 'sw.js']);
});

it('is what the Pages workflow publishes: the same build command, and the folder it writes', async () => {
  const workflow = await readFile(resolve(import.meta.dirname, '../../.github/workflows/pages.yml'), 'utf8');
  const runs = [...workflow.matchAll(/^\s*- run: (.+)$/gm)].map((match) => match[1].trim());
  expect(runs).toContain(BUILD_COMMAND);
  expect(runs.filter((run) => /\bbuild\b/.test(run))).toEqual([BUILD_COMMAND]);
  expect(workflow).toMatch(/uses: actions\/upload-pages-artifact@v\d+\s+with:\s+path: dist\s/);
  // `npm run build` with no --outDir writes vite's default, dist/, which is what the workflow uploads.
  const config = await readFile(resolve(import.meta.dirname, '../../vite.config.ts'), 'utf8');
  expect(config).not.toMatch(/outDir/);
});
