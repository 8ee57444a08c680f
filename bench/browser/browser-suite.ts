import { resolve } from 'node:path';
import { MODEL_DIR, MODEL_NAME } from '../../models/recipe/paths';
import type { Backend } from '../../src/worker/api';
import type { PageSuiteResult } from '../web/page-api';
import { measureLoads, measureStreaming, type AppMeasure } from './app-page';
import { PAGE_DIR, SITE_DIR, UNMINIFIED_SITE_DIR } from './build';
import { launchProfile, watchOrigin } from '../../tests/e2e/harness/browser';
import { serveStatic, type StaticServer } from '../../tests/e2e/harness/static-server';
import { siteSources } from './site-sources';
import { runPageSuite } from './page-suite';

const REPO = resolve(import.meta.dirname, '../..');

export interface BrowserBackendResult {
  backend: Backend;
  /** "WASM", or "WebGPU (SwiftShader, CPU)" when the adapter is Chromium's software one. */
  label: string;
  newTokens: number;
  repeats: number;
  suite: PageSuiteResult;
  app: AppMeasure;
}

export interface BrowserResult {
  chromium: string;
  backends: BrowserBackendResult[];
}

export interface BrowserPlan {
  backend: Backend;
  newTokens: number;
  repeats: number;
  warmupTokens: number;
  hookPasses: number;
  /** Whether to CPU-profile the playground's main thread while it streams. */
  cpuProfile: boolean;
}

function labelOf(backend: Backend, adapter: string | null): string {
  if (backend === 'wasm') return 'WASM';
  if (adapter && /swiftshader/i.test(adapter)) return 'WebGPU (SwiftShader, CPU)';
  return `WebGPU (${adapter ?? 'unknown adapter'})`;
}

/** The built playground (minified and not), the bench page, the model and onnxruntime, all from one local origin. */
export function serveBench(): Promise<StaticServer> {
  return serveStatic(
    [
      { prefix: '/tagplay/', dir: SITE_DIR },
      { prefix: '/tagplay-unminified/', dir: UNMINIFIED_SITE_DIR },
      { prefix: '/bench/', dir: PAGE_DIR },
      { prefix: `/bench/models/${MODEL_NAME}/`, dir: MODEL_DIR },
      { prefix: '/bench/ort/', dir: resolve(REPO, 'node_modules/onnxruntime-web/dist') },
    ],
    { revalidate: true },
  );
}

/** Throws when a request left the origin, so the figures are not local. */
export function expectLocal(foreign: string[]): void {
  if (foreign.length > 0)
    throw new Error(`requests left the origin, so the figures are not local: ${foreign.join(', ')}`);
}

/** The playground's address query for a backend: WebGPU is asked for, as the page passes over a software adapter (SwiftShader) on its own. */
const backendQuery = (backend: Backend) => (backend === 'webgpu' ? '?backend=webgpu' : '');

/** Where the unminified playground is served, and how to name its source lines. */
export const profilingOn = (server: StaticServer, backend: Backend = 'wasm') => ({
  url: `${server.url}tagplay-unminified/${backendQuery(backend)}`,
  resolve: siteSources(UNMINIFIED_SITE_DIR, '/tagplay-unminified/'),
});

/**
 * One Chromium at a time, one fresh profile per backend: the playground's cold and warm loads first,
 * then the bench page's suite (which also finds the seed that streams the full count), then the
 * playground streaming at full speed.
 */
export async function runBrowserSuite(plans: BrowserPlan[]): Promise<BrowserResult> {
  const server = await serveBench();
  const backends: BrowserBackendResult[] = [];
  let chromium = '';
  try {
    for (const plan of plans) {
      const chrome = await launchProfile(plan.backend);
      try {
        const { backend, cpuProfile, ...options } = plan;
        const foreign = watchOrigin(chrome.context, server.url);
        const coldForeign: string[][] = [];
        const siteUrl = `${server.url}tagplay/${backendQuery(backend)}`;
        const loads = await measureLoads(chrome.context, server, siteUrl, async () => {
          const profile = await launchProfile(plan.backend);
          coldForeign.push(watchOrigin(profile.context, server.url));
          return profile;
        });
        const suite = await runPageSuite(chrome.context, `${server.url}bench/`, { backend, ...options });
        const app: AppMeasure = {
          ...loads,
          ...(await measureStreaming(
            chrome.context,
            server,
            siteUrl,
            plan.newTokens,
            suite.seed,
            plan.repeats,
            cpuProfile ? profilingOn(server, backend) : null,
          )),
        };
        expectLocal([...foreign, ...coldForeign.flat()]);
        // The page's user agent is frozen at "156.0.0.0"; the browser object knows the full version.
        chromium = chrome.context.browser()?.version() ?? suite.userAgent;
        backends.push({
          backend,
          label: labelOf(backend, suite.adapter),
          newTokens: plan.newTokens,
          repeats: plan.repeats,
          suite,
          app,
        });
      } finally {
        await chrome.close();
      }
    }
  } finally {
    await server.close();
  }
  return { chromium, backends };
}
