/** Debian's Chromium for the end-to-end tests and the bench alike: one set of flags, one origin watch. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export type BackendUnderTest = 'webgpu' | 'wasm';

const COMMON_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * With WebGPU on (SwiftShader runs it on the CPU), or with the GPU off, so the page finds no WebGPU
 * adapter and must fall back to WASM. `extraFlags` are added as given.
 */
const chromiumOptions = (backend: BackendUnderTest, extraFlags: string[]) => ({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [...COMMON_FLAGS, backend === 'webgpu' ? '--enable-unsafe-webgpu' : '--disable-gpu', ...extraFlags],
});

export function launchChromium(backend: BackendUnderTest, extraFlags: string[] = []): Promise<Browser> {
  return chromium.launch(chromiumOptions(backend, extraFlags));
}

export interface Profile {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * The same Chromium on a fresh on-disk profile. A persistent profile, unlike Playwright's throwaway
 * contexts (whose in-memory HTTP cache skips files this large), keeps the model and runtime in the HTTP
 * cache, which the bench's warm load needs.
 */
export async function launchProfile(backend: BackendUnderTest): Promise<Profile> {
  const dir = await mkdtemp(join(tmpdir(), 'tagplay-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    ...chromiumOptions(backend, []),
    viewport: { width: 1280, height: 1100 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Records every request that leaves the site's origin, as it happens: the app must fetch nothing from elsewhere. */
export function watchOrigin(context: BrowserContext, siteUrl: string): string[] {
  const origin = new URL(siteUrl).origin;
  const foreign: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'blob:' && url.protocol !== 'data:' && url.origin !== origin) foreign.push(request.url());
  });
  return foreign;
}
