import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedModelDir } from '../../site/served-paths';
import { launchChromium } from './harness/browser';
import { SITE_DIR } from './harness/build-site';
import { PlaygroundPage } from './harness/playground';

const REPO = resolve(import.meta.dirname, '../..');
const WEIGHTS = `models/${servedModelDir()}/onnx/model.onnx`;

// The server `npm start` runs (vite preview, with the project's config), on the built site.
describe("npm start's server", () => {
  let server: PreviewServer;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    // Port 0: the system picks a free one, and vite reports the address it got.
    server = await preview({
      root: REPO,
      logLevel: 'silent',
      build: { outDir: SITE_DIR },
      preview: { host: '127.0.0.1', port: 0, open: false },
    });
    const address = server.resolvedUrls?.local[0];
    if (!address) throw new Error('vite preview reported no local address');
    url = address;
    browser = await launchChromium('wasm');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sends the weights as they are, with their length, even to a client that accepts gzip', async () => {
    const response = await fetch(new URL(WEIGHTS, url), { headers: { 'accept-encoding': 'gzip' } });
    await response.body?.cancel();
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(Number(response.headers.get('content-length'))).toBe((await stat(resolve(SITE_DIR, WEIGHTS))).size);
  });

  it('loads the model in a private window (an off-the-record profile) and writes', async () => {
    const context = await browser.newContext();
    try {
      const playground = await PlaygroundPage.open(context, url);
      await playground.stepTo(1);
      expect(await playground.fault.count()).toBe(0);
      expect(playground.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
