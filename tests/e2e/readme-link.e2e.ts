import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from './harness/build-site';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

describe("the tag controls' pointer to the README, on WASM", () => {
  let session: Session;
  let scratch: string;

  beforeAll(async () => {
    session = await startSession('wasm', { noServiceWorker: true });
    scratch = await mkdtemp(join(tmpdir(), 'tagplay-readme-'));
  });

  afterAll(async () => {
    await session?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('names the section without a link when built locally, and links to it when GitHub Actions builds the site', async () => {
    // Built twice, so that the test means the same on a GitHub runner, which names a repository itself.
    const local = join(scratch, 'local');
    await buildSite(local, { env: { GITHUB_REPOSITORY: '' } });
    session.site.deploy(local);
    const plain = await PlaygroundPage.open(session.context, session.site.url, { waitForModel: false });
    await plain.page.getByText('How?').click();
    await plain.page.getByText('says more').waitFor();
    expect(await plain.page.getByTestId('readme-link').count()).toBe(0);
    await plain.page.close();

    const site = join(scratch, 'github');
    await buildSite(site, { env: { GITHUB_REPOSITORY: 'someone/tagplay', GITHUB_SERVER_URL: 'https://github.com' } });
    session.site.deploy(site);
    const built = await PlaygroundPage.open(session.context, session.site.url, { waitForModel: false });
    await built.page.getByText('How?').click();
    expect(await built.page.getByTestId('readme-link').getAttribute('href')).toBe(
      'https://github.com/someone/tagplay#how-it-works',
    );
    await built.page.close();
    expect(session.foreign).toEqual([]);
  });
});
