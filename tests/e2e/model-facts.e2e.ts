import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSource } from '../../site/served-paths';
import { FACT_FILES } from '../../src/worker/model-files';
import { buildSite } from './harness/build-site';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

describe("the model's measured strength, on WASM", () => {
  let session: Session;
  let scratch: string;

  beforeAll(async () => {
    session = await startSession('wasm', { noServiceWorker: true });
    scratch = await mkdtemp(join(tmpdir(), 'tagplay-facts-'));
  });

  afterAll(async () => {
    await session?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("marks each tag row with its forced fidelity from eval.json, explained on hover, and shows 'About this model'", async () => {
    const evaluation = JSON.parse(await readFile(join(modelSource(), 'eval.json'), 'utf8')) as {
      forcedFidelity: Record<string, { share: number }>;
      heldOut: { story: { bitsPerByte: number } };
    };
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    const page = playground.page;
    for (const [tag, { share }] of Object.entries(evaluation.forcedFidelity)) {
      const mark = page.getByTestId(`strength-${tag}`);
      await mark.waitFor();
      expect(await mark.textContent()).toBe(`forced: ${Math.round(100 * share)} %`);
      expect(await mark.getAttribute('title')).toContain(`${(100 * share).toFixed(1)} % of`);
    }
    await page.getByTestId('about-model').locator('summary').click();
    const facts = await page.getByTestId('about-fact').allTextContents();
    expect(facts.some((f) => f.startsWith(evaluation.heldOut.story.bitsPerByte.toFixed(3)))).toBe(true);
    expect(facts.some((f) => f.includes('npm run model:tagger'))).toBe(true);
    await page.close();
  });

  it('shows no marks and no About panel for a model folder without its measurements', async () => {
    const model = join(scratch, 'model');
    await cp(modelSource(), model, { recursive: true });
    for (const file of FACT_FILES) await rm(join(model, file));
    const site = join(scratch, 'site');
    await buildSite(site, { model });
    session.site.deploy(site);
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    await playground.stepTo(1);
    expect(await playground.page.locator('[data-testid^=strength-]').count()).toBe(0);
    expect(await playground.page.getByTestId('about-model').count()).toBe(0);
    expect(playground.errors).toEqual([]);
  });
});
