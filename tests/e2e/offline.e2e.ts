import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSource, servedModelDir } from '../../site/served-paths';
import { KEPT_CACHE, PENDING_CACHE } from '../../src/offline/keep-message';
import { buildSite } from './harness/build-site';
import { PlaygroundPage } from './harness/playground';
import { expectNothingBroken, startSession, type Session } from './harness/session';

const REPO = resolve(import.meta.dirname, '../..');

/** The paths the service worker keeps for offline use, relative to the site. */
async function keptPaths(playground: PlaygroundPage, base: string): Promise<string[]> {
  return playground.page.evaluate(
    async ([prefix, name]) => {
      const kept = await caches.open(name);
      return (await kept.keys()).map((request) => request.url.replace(prefix, '')).sort();
    },
    [base, KEPT_CACHE],
  );
}

/** Waits until the service worker keeps the model's weights in `modelDir` and has finished keeping (nothing pending). */
async function waitUntilKept(playground: PlaygroundPage, base: string, modelDir: string): Promise<string[]> {
  const weights = `models/${modelDir}/onnx/model.onnx`;
  for (let tries = 0; tries < 100; tries++) {
    const paths = await keptPaths(playground, base);
    const pending = await playground.page.evaluate((name) => caches.has(name), PENDING_CACHE);
    if (paths.includes(weights) && !pending) return paths;
    await playground.page.waitForTimeout(100);
  }
  throw new Error(`the service worker never finished keeping ${weights}`);
}

async function writeSome(playground: PlaygroundPage): Promise<void> {
  await playground.setMaxTokens(12);
  await playground.generate();
  expect(['max-tokens', 'end-of-text']).toContain(await playground.waitForEnd());
  expect(await playground.tokenCount()).toBeGreaterThan(0);
  expect(await playground.fault.count()).toBe(0);
}

/** With every connection dropped, reloads the page, waits for the model and writes; then the network is back. */
async function reloadOffline(session: Session, playground: PlaygroundPage): Promise<void> {
  session.site.setFault('offline');
  try {
    await playground.page.reload();
    await playground.waitForModel();
    await writeSome(playground);
    expect(playground.errors).toEqual([]);
  } finally {
    session.site.setFault(null);
  }
}

describe('offline after the first visit', () => {
  let session: Session;
  let scratch: string;

  beforeAll(async () => {
    session = await startSession('wasm');
    scratch = await mkdtemp(join(tmpdir(), 'tagplay-offline-'));
  });

  afterAll(async () => {
    await session?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('keeps the page, the runtime and the model after one visit, and writes with the network gone', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    expect(await playground.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const kept = await waitUntilKept(playground, session.site.url, servedModelDir());
    expect(kept).toContain('');
    expect(kept.some((path) => /^assets\/.+\.js$/.test(path))).toBe(true);
    expect(kept.some((path) => /^ort\/[^/]+\/ort-wasm-simd-threaded\.wasm$/.test(path))).toBe(true);

    await reloadOffline(session, playground);
    await playground.page.close();
  });

  it('takes a rebuilt site with another model on the next online reload, never mixing in the old files', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    const oldDir = servedModelDir();
    await waitUntilKept(playground, session.site.url, oldDir);

    // Another model: the shipped one with one file changed, which changes its folder's name.
    const model = join(scratch, 'model');
    await cp(modelSource(), model, { recursive: true });
    const config = JSON.parse(await readFile(join(model, 'generation_config.json'), 'utf8')) as object;
    await writeFile(join(model, 'generation_config.json'), JSON.stringify({ ...config, max_length: 383 }));
    const newDir = servedModelDir(model);
    expect(newDir).not.toBe(oldDir);
    const site = join(scratch, 'site');
    await buildSite(site, { model });
    session.site.deploy(site);

    const models: string[] = [];
    playground.page.context().on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.includes('/models/')) models.push(path);
    });
    await playground.page.reload();
    await playground.waitForModel();
    await writeSome(playground);
    expect(models.length).toBeGreaterThan(0);
    expect(models.filter((path) => !path.includes(`/models/${newDir}/`))).toEqual([]);

    const kept = await waitUntilKept(playground, session.site.url, newDir);
    expect(kept.filter((path) => path.startsWith('models/') && !path.startsWith(`models/${newDir}/`))).toEqual([]);

    await reloadOffline(session, playground);
    session.site.deploy(join(REPO, 'tests/e2e/artifacts/site'));
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(session));
});
