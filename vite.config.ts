import type { IncomingMessage, ServerResponse } from 'node:http';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { readmeAddress } from './site/readme-address.ts';
import { modelSource, servedModelDir, servedModelFiles, servedRuntimeDir } from './site/served-paths.ts';
import { RUNTIME_FILES } from './src/worker/runtime-builds.ts';

/**
 * The dev server injects CSS as `<style>` elements, which index.html's Content-Security-Policy refuses;
 * only there are inline styles allowed. The build keeps the policy exactly as written.
 */
const devServerStyles: Plugin = {
  name: 'tagplay-dev-server-styles',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
};

/**
 * `vite preview` (`npm start`) gzips on the fly, without a length, every file whose type it does not
 * know, `.onnx` among them; Chromium's private windows then refuse the weights (ERR_CACHE_WRITE_FAILURE).
 * Typed as binary, they are sent as they are, with their length, which also lets the page show progress.
 */
const onnxAsBinary = (request: IncomingMessage, response: ServerResponse, next: () => void) => {
  if (/\.onnx(\?|$)/.test(request.url ?? '')) response.setHeader('Content-Type', 'application/octet-stream');
  next();
};
const binaryWeights: Plugin = {
  name: 'tagplay-binary-weights',
  configureServer: (server) => void server.middlewares.use(onnxAsBinary),
  configurePreviewServer: (server) => void server.middlewares.use(onnxAsBinary),
};

const modelDir = servedModelDir();
const runtimeDir = servedRuntimeDir();

export default defineConfig({
  define: {
    __TAGPLAY_MODEL_DIR__: JSON.stringify(modelDir),
    __TAGPLAY_RUNTIME_DIR__: JSON.stringify(runtimeDir),
    __TAGPLAY_README__: JSON.stringify(readmeAddress()),
  },
  // Relative URLs, so one build works under any base path on any static server.
  base: './',
  plugins: [
    svelte(),
    devServerStyles,
    binaryWeights,
    viteStaticCopy({
      targets: [
        ...servedModelFiles().map((file) => ({
          src: `${modelSource()}/${file}`,
          dest: `models/${modelDir}/${file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : ''}`,
        })),
        ...RUNTIME_FILES.map((file) => ({
          src: `node_modules/onnxruntime-web/dist/${file}`,
          dest: runtimeDir,
        })),
      ],
    }),
  ],
  resolve: {
    // onnxruntime-web's default build inlines its wasm loader and makes Vite emit a second copy of the
    // 27 MB binary; the extern-wasm build loads the one build the worker picks, of those copied above, through `wasmPaths`.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  // Found up front, so the dev server does not reload the page when the worker first imports them.
  optimizeDeps: { include: ['@huggingface/transformers', 'comlink', 'uplot', 'lz-string', 'obscenity'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // The service worker sits beside index.html under a fixed name: its scope is its folder, and the page registers it by name.
      input: { index: 'index.html', sw: 'src/offline/service-worker.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
});
