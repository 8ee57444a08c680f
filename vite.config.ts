import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';

/** The model files the browser needs at run time; the rest of `models/` is the recipe and its outputs. */
const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'tagger.json', 'onnx/model.onnx'];

/** The one onnxruntime flavour that transformers.js uses for both WebGPU and WASM. */
const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

export default defineConfig({
  // Relative URLs, so one build works under any base path on any static server.
  base: './',
  plugins: [
    svelte(),
    viteStaticCopy({
      targets: [
        ...MODEL_FILES.map((file) => ({
          src: `models/tagplay-3m/${file}`,
          dest: `models/tagplay-3m/${file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : ''}`,
          rename: { stripBase: true as const },
        })),
        ...ORT_FILES.map((file) => ({ src: `node_modules/onnxruntime-web/dist/${file}`, dest: 'ort', rename: { stripBase: true as const } })),
      ],
    }),
  ],
  resolve: {
    // onnxruntime-web's default build inlines its wasm loader and makes Vite emit a second copy of the
    // 27 MB binary; the extern-wasm build loads the pair copied above through `wasmPaths` instead.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  // Found up front, so the dev server does not reload the page when the worker first imports them.
  optimizeDeps: { include: ['@huggingface/transformers', 'comlink', 'uplot', 'lz-string', 'obscenity'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
});
