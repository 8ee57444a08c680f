import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type { Backend } from '../../src/worker/api';

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Profile {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's Chromium on a fresh on-disk profile. A persistent profile, unlike Playwright's throwaway
 * contexts (whose in-memory HTTP cache skips files this large), keeps the model and runtime in the
 * HTTP cache, which the warm load needs. As in the end-to-end tests, the WASM browser has its GPU off,
 * so the app finds no WebGPU adapter and picks WASM by itself; the WebGPU one gets SwiftShader's adapter.
 */
export async function launchProfile(backend: Backend): Promise<Profile> {
  const dir = await mkdtemp(join(tmpdir(), 'tagplay-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...FLAGS, backend === 'webgpu' ? '--enable-unsafe-webgpu' : '--disable-gpu'],
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
