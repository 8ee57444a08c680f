import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { RUNTIME_BUILDS } from '../../src/worker/runtime-builds';
import type { BackendUnderTest } from './harness/browser';
import { clickGenerateWhenReady, firstTokenTimes, type FirstTokenTimes } from './harness/first-token';
import { startSession, type Session } from './harness/session';

const MiB = 1024 * 1024;

interface ColdLoad extends FirstTokenTimes {
  /** Response body bytes by what they are, from the page's and its worker's requests. */
  bytes: { model: number; runtime: number; page: number; total: number };
  /** The onnxruntime files fetched, by name. */
  runtimeFiles: string[];
}

async function coldLoad(session: Session, backend: BackendUnderTest, query: string): Promise<ColdLoad> {
  const sizes: Promise<{ path: string; bytes: number } | null>[] = [];
  session.context.on('requestfinished', (request) => {
    // What the service worker answered is counted once, as its own request to the network.
    sizes.push(
      request
        .response()
        .then(async (response) =>
          response?.fromServiceWorker()
            ? null
            : { path: new URL(request.url()).pathname, bytes: (await request.sizes()).responseBodySize },
        ),
    );
  });
  const page: Page = await session.context.newPage();
  await page.addInitScript(clickGenerateWhenReady);
  await page.goto(`${session.site.url}${query}`);
  const { readyMs, firstTokenMs } = await firstTokenTimes(page, 180_000);
  expect(await page.getByTestId('backend-badge').getAttribute('data-backend')).toBe(backend);
  const bytes = { model: 0, runtime: 0, page: 0, total: 0 };
  const runtimeFiles: string[] = [];
  for (const { path, bytes: n } of (await Promise.all(sizes)).filter((size) => size !== null)) {
    if (path.includes('/models/')) bytes.model += n;
    else if (path.includes('/ort/')) {
      bytes.runtime += n;
      runtimeFiles.push(path.slice(path.lastIndexOf('/') + 1));
    } else bytes.page += n;
    bytes.total += n;
  }
  await page.close();
  return { bytes, runtimeFiles: runtimeFiles.sort(), readyMs, firstTokenMs };
}

const report = (backend: string, load: ColdLoad) =>
  console.log(
    `${backend} cold load: ${(load.bytes.total / MiB).toFixed(1)} MiB (model ${(load.bytes.model / MiB).toFixed(1)}, ` +
      `runtime ${(load.bytes.runtime / MiB).toFixed(1)}, page ${(load.bytes.page / MiB).toFixed(2)}; ${load.runtimeFiles.join(', ')}); ` +
      `ready in ${(load.readyMs / 1000).toFixed(2)} s, first token ${load.firstTokenMs.toFixed(0)} ms after ready`,
  );

describe('cold load, per backend, on a fresh profile', () => {
  let session: Session | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('WASM fetches only the plain CPU build of onnxruntime, 29 MiB or less in all', async () => {
    session = await startSession('wasm');
    const load = await coldLoad(session, 'wasm', '');
    report('WASM', load);
    const plain = RUNTIME_BUILDS.plain;
    expect(load.runtimeFiles).toEqual([plain.mjs, plain.wasm].sort());
    expect(load.bytes.runtime).toBeLessThan(14 * MiB);
    expect(load.bytes.total).toBeLessThanOrEqual(29 * MiB);
  });

  it('WebGPU fetches only the JSPI build where the browser has JSPI, as Chromium does', async () => {
    session = await startSession('webgpu');
    const load = await coldLoad(session, 'webgpu', '?backend=webgpu');
    report('WebGPU', load);
    const jspi = RUNTIME_BUILDS.jspi;
    expect(load.runtimeFiles).toEqual([jspi.mjs, jspi.wasm].sort());
    expect(load.bytes.runtime).toBeLessThan(16.5 * MiB);
  });
});
