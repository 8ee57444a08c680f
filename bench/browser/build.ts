import { resolve } from 'node:path';
import { build, defaultClientConditions } from 'vite';
import { buildSite } from '../../tests/e2e/harness/build-site';

const REPO = resolve(import.meta.dirname, '../..');
export const OUT_DIR = resolve(REPO, 'bench/out');
/** The bench page, its worker and the app's worker, bundled together. */
export const PAGE_DIR = resolve(OUT_DIR, 'web');
/** The playground, built by its own `vite.config.ts` exactly as `npm run build` builds it. */
export const SITE_DIR = resolve(OUT_DIR, 'site');
/** The same, unminified and with source maps, so a CPU profile of the page names its functions and source lines. */
export const UNMINIFIED_SITE_DIR = resolve(OUT_DIR, 'site-unminified');
export const FRAME_MONITOR_FILE = resolve(OUT_DIR, 'frame-monitor/frame-monitor.js');

/** The app's resolve conditions: onnxruntime-web loads its wasm through `wasmPaths`, not a second inlined copy. */
const conditions = ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions];

export async function buildBenchPage(): Promise<void> {
  await build({
    configFile: false,
    root: resolve(REPO, 'bench/web'),
    base: './',
    logLevel: 'warn',
    resolve: { conditions },
    worker: { format: 'es' },
    build: { outDir: PAGE_DIR, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  });
}

/** The frame monitor as one classic script, for `addInitScript` on the app's page. */
export async function buildFrameMonitor(): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: resolve(FRAME_MONITOR_FILE, '..'),
      emptyOutDir: true,
      target: 'es2022',
      lib: {
        entry: resolve(REPO, 'bench/web/frame-monitor-global.ts'),
        formats: ['iife'],
        name: 'tagplayFrameMonitor',
        fileName: () => 'frame-monitor.js',
      },
    },
  });
}

export async function buildSites(): Promise<void> {
  await buildSite(SITE_DIR);
  await buildSite(UNMINIFIED_SITE_DIR, { unminified: true });
}
