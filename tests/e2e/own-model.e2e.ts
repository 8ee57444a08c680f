import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import LZString from 'lz-string';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWN_OPTIONAL_FILES, OWN_REQUIRED_FILES } from '../../src/worker/model-files';
import { seriousViolations } from './harness/axe';
import { PlaygroundPage } from './harness/playground';
import { expectNothingBroken, startSession, type Session } from './harness/session';

/** The tiny test model (`npm run model:tiny`): tags <calm>, <excited> and the genre <poem>, no tagger. */
const TINY = resolve(import.meta.dirname, '../fixtures/tiny-model');
const TINY_TAGS = ['calm', 'excited', 'poem'];

/** Every file of a folder by its path in it. */
async function filesOf(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[relative(dir, path)] = await readFile(path);
    }
  return out;
}

/** The model's id as the page must compute it: name@ and 12 hex digits of SHA-256 over its files' names and hashes. */
function expectedId(name: string, files: Record<string, Buffer>): string {
  const known: string[] = [...OWN_REQUIRED_FILES, ...OWN_OPTIONAL_FILES];
  const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
  const listing = Object.keys(files)
    .filter((file) => known.includes(file))
    .sort()
    .map((file) => `${file}\n${sha(files[file])}\n`)
    .join('');
  return `${name}@${sha(listing).slice(0, 12)}`;
}

const current = (page: Page) => page.getByTestId('own-model-current');

/** Waits until the page runs the model the user opened, and returns its id. */
async function opened(page: Page): Promise<string> {
  const error = page.getByTestId('own-model-error');
  await Promise.race([current(page).waitFor({ timeout: 60_000 }), error.waitFor({ timeout: 60_000 })]);
  if (await error.isVisible()) throw new Error(`the model did not open: ${await error.textContent()}`);
  return (await current(page).getAttribute('data-model')) ?? '';
}

/** Waits for the message that says why a model did not open; returns its kind and text. */
async function openError(page: Page): Promise<{ kind: string; text: string }> {
  const error = page.getByTestId('own-model-error');
  await error.waitFor({ timeout: 60_000 });
  return { kind: (await error.getAttribute('data-kind')) ?? '', text: (await error.textContent()) ?? '' };
}

async function pickFolder(page: Page, dir: string): Promise<void> {
  await page.getByTestId('own-model-picker').setInputFiles(dir);
}

async function openPath(page: Page, path: string): Promise<void> {
  await page.getByTestId('own-model').evaluate((panel) => ((panel as HTMLDetailsElement).open = true));
  await page.getByTestId('own-model-path').fill(path);
  await page.getByTestId('own-model-open-path').click();
}

/** Drops loose files on the drop zone, as a synthetic drag and drop carries them. */
async function dropFiles(page: Page, files: Record<string, Buffer>): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (entries) => {
      const data = new DataTransfer();
      for (const [name, base64] of entries)
        data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
      return data;
    },
    Object.entries(files).map(([name, data]) => [name, data.toString('base64')] as const),
  );
  const zone = page.getByTestId('own-model-drop');
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

async function tagRows(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid^=tag-row-]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.replace('tag-row-', '')));
}

/** Generates with the settings on the page until the run ends; returns the transcript's tokens' texts and its model. */
async function run(playground: PlaygroundPage): Promise<{ texts: string[]; ids: number[]; model: string }> {
  await playground.generate();
  await playground.waitForEnd();
  const transcript = await playground.exportTranscript();
  return {
    texts: transcript.tokens.map((t) => t.text),
    ids: transcript.tokens.map((t) => t.token),
    model: transcript.state.model,
  };
}

describe('bring your own model, on WASM', () => {
  let session: Session;
  let scratch: string;
  let tinyFiles: Record<string, Buffer>;
  let tinyId: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'tagplay-own-'));
    tinyFiles = await filesOf(TINY);
    tinyId = expectedId('tiny-model', tinyFiles);
    // Broken models, made here from the tiny one, each in a folder of its own (also served beside the site).
    const variant = async (name: string, change: (dir: string) => Promise<void>) => {
      const dir = join(scratch, name);
      await cp(TINY, dir, { recursive: true });
      await change(dir);
    };
    await variant('not-a-decoder', async (dir) => {
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as object;
      await writeFile(
        join(dir, 'config.json'),
        JSON.stringify({ ...config, model_type: 'bert', architectures: ['BertForMaskedLM'] }),
      );
    });
    await variant('no-tokenizer', (dir) => rm(join(dir, 'tokenizer.json')));
    await variant('no-onnx', (dir) => rm(join(dir, 'onnx'), { recursive: true }));
    // An operator onnxruntime has never heard of: every Softmax renamed, same length, so the protobuf stays whole.
    await variant('unknown-operator', async (dir) => {
      const onnx = join(dir, 'onnx/model.onnx');
      const bytes = await readFile(onnx);
      await writeFile(onnx, Buffer.from(bytes.toString('latin1').replaceAll('Softmax', 'Softmix'), 'latin1'));
    });
    // A tokenizer whose only special token is its end of text, and no tagplay.json.
    await variant('no-tags', async (dir) => {
      const tokenizer = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as {
        added_tokens: { content: string }[];
      };
      tokenizer.added_tokens = tokenizer.added_tokens.filter((t) => t.content === '<|endoftext|>');
      await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
      await rm(join(dir, 'tagplay.json'));
    });
    session = await startSession('wasm', {
      mounts: [
        { prefix: '/tagplay/models/mine/', dir: TINY },
        { prefix: '/tagplay/models/broken/', dir: scratch },
      ],
    });
  });

  afterAll(async () => {
    await session?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('opens the tiny model through the folder picker and writes with its tags; a ban of <excited> holds', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    const page = playground.page;
    try {
      await pickFolder(page, TINY);
      expect(await opened(page)).toBe(tinyId);
      expect(await page.getByTestId('model-name').textContent()).toMatch(/tiny-model\s+\(opened by you\)/);
      expect(await current(page).textContent()).toMatch(/Running tiny-model, from your disk/);
      expect(await tagRows(page)).toEqual(TINY_TAGS);
      expect(await page.getByTestId('prompt').inputValue()).toBe('<poem><calm>');
      expect(await page.getByTestId('tag-groups-source').getAttribute('data-source')).toBe('file');
      // No tagger.json: the tagger's features are off, and the page says so.
      expect(await page.getByTestId('no-tagger').textContent()).toMatch(/no tagger\.json, so the tagger's features/);
      expect(await page.getByTestId('agreement').textContent()).toMatch(/Off: this model has no tagger\.json/);
      expect(await page.getByTestId('measure-run').isDisabled()).toBe(true);
      expect(await page.getByTestId('inspect-run').isDisabled()).toBe(true);

      await playground.setMaxTokens(100);
      await playground.setPaceStep(9);
      // The first seed whose free run writes <excited>, after a first token of its own.
      let seed = 0;
      let free: Awaited<ReturnType<typeof run>> | null = null;
      for (seed = 1; seed <= 8; seed++) {
        await playground.setSeed(seed);
        free = await run(playground);
        if (free.texts.slice(1).includes('<excited>')) break;
      }
      expect(free!.texts.slice(1)).toContain('<excited>');
      expect(free!.model).toBe(tinyId);
      expect(free!.texts).toContain('<calm>');
      const at = free!.texts.indexOf('<excited>', 1);

      await playground.setMode('excited', 'ban');
      const banned = await run(playground);
      expect(banned.texts).not.toContain('<excited>');
      // The same draws: the text is the same up to where the banned tag was chosen, and a calm sentence starts there.
      expect(banned.ids.slice(0, at)).toEqual(free!.ids.slice(0, at));
      expect(banned.texts[at]).toBe('<calm>');
      expect(await page.locator('[data-testid=stream] .chip', { hasText: 'excited' }).count()).toBe(0);
      expect(playground.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('opens it from a path on the site, keeps nothing of it for offline use, and goes back to the built-in model', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    const page = playground.page;
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    try {
      await openPath(page, 'models/mine/');
      // The same files as through the picker: the same hash; the folder's name on the site names it.
      expect(await opened(page)).toBe(`mine@${tinyId.split('@')[1]}`);
      expect(await current(page).textContent()).toMatch(/from models\/mine\/ on this site/);
      expect(asked).toContain('/tagplay/models/mine/onnx/model.onnx');
      expect(await tagRows(page)).toEqual(TINY_TAGS);
      await playground.stepTo(3);
      await playground.page.getByTestId('stop').click();

      // Neither kept nor pending: the service worker passes the model's files by.
      const cached = await page.evaluate(async () => {
        const urls: string[] = [];
        for (const name of await caches.keys())
          for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
        return urls;
      });
      expect(cached.length).toBeGreaterThan(0);
      expect(cached.filter((url) => url.includes('/models/mine/'))).toEqual([]);

      await page.getByTestId('use-builtin').click();
      await page.getByTestId('model-name').getByText('(built in)').waitFor();
      await playground.waitForModel();
      expect(await tagRows(page)).toContain('angry');
      expect(await page.getByTestId('prompt').inputValue()).toBe('<story><happy>Once upon a time');
      expect(await current(page).count()).toBe(0);
      await playground.stepTo(1);
      expect(playground.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('opens loose files dropped on the page; without tagplay.json the default rule groups them, and can be changed', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    const page = playground.page;
    try {
      const { 'tagplay.json': _, 'README.md': __, 'onnx/model.onnx': onnx, ...rest } = tinyFiles;
      await dropFiles(page, { ...rest, 'model.onnx': onnx });
      const id = await opened(page);
      const { 'tagplay.json': _vocabulary, ...withoutVocabulary } = tinyFiles;
      expect(id.split('@')[1]).toBe(expectedId('x', withoutVocabulary).split('@')[1]);
      // The default rule keeps the tokenizer's order, in which <poem> comes first.
      const byRule = ['poem', 'calm', 'excited'];
      expect(await tagRows(page)).toEqual(byRule);
      expect(await page.getByTestId('prompt').inputValue()).toBe('<poem>');
      const source = page.getByTestId('tag-groups-source');
      expect(await source.getAttribute('data-source')).toBe('rule');
      expect(await source.textContent()).toMatch(
        /default rule groups its tags: every special token of the form <word>/,
      );
      const editor = page.getByTestId('tag-groups-json');
      expect(JSON.parse(await editor.inputValue())).toEqual({
        groups: [{ name: 'tags', opens: 'sentence', tags: byRule.map((name) => ({ name })) }],
      });

      // Put <poem> in a group of its own that opens documents.
      const groups = {
        groups: [
          { name: 'mood', opens: 'sentence', tags: [{ name: 'calm' }, { name: 'excited' }] },
          { name: 'form', opens: 'document', tags: [{ name: 'poem' }] },
        ],
      };
      await editor.fill('{ "groups": 3 }');
      await page.getByTestId('tag-groups-apply').click();
      expect(await page.getByTestId('tag-groups-error').textContent()).toMatch(/not a tag vocabulary/);
      await editor.fill(JSON.stringify(groups));
      await page.getByTestId('tag-groups-apply').click();
      await page.locator('[data-testid=tag-groups-source][data-source=page]').waitFor();
      const regrouped = (await current(page).getAttribute('data-model')) ?? '';
      expect(regrouped).not.toBe(id);
      expect(JSON.parse(await editor.inputValue())).toEqual(groups);
      expect(await tagRows(page)).toEqual(TINY_TAGS);
      // The same files: the prompt stays.
      expect(await playground.page.getByTestId('prompt').inputValue()).toBe('<poem>');
      await playground.stepTo(2);
      expect((await playground.exportTranscript()).state.model).toBe(regrouped);
      // The panels of a model the user opened, open, pass axe too.
      expect(await seriousViolations(page)).toEqual([]);
      expect(playground.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  const BAD: { name: string; how: 'picker' | 'path'; path?: string; kind: string; message: RegExp }[] = [
    {
      name: 'a model that is not a decoder',
      how: 'picker',
      kind: 'not-decoder',
      message: /not a decoder that writes text: its architecture, BertForMaskedLM, is not a causal language model/,
    },
    {
      name: 'a folder without tokenizer.json',
      how: 'picker',
      kind: 'missing',
      message: /The model folder has no tokenizer\.json/,
    },
    {
      name: 'a folder on the site without onnx/model.onnx',
      how: 'path',
      path: 'models/broken/no-onnx/',
      kind: 'missing',
      message:
        /no onnx\/model\.onnx: \/tagplay\/models\/broken\/no-onnx\/onnx\/model\.onnx was not found on this site \(HTTP 404\)/,
    },
    {
      name: 'an operator onnxruntime does not implement',
      how: 'picker',
      kind: 'operator',
      message:
        /onnxruntime cannot run this model: its graph uses the operator Softmix \(opset \d+\), which onnxruntime-web \S+ has no implementation of on WASM/,
    },
    {
      name: 'an address on another origin',
      how: 'path',
      path: 'https://example.com/models/mine/',
      kind: 'other-origin',
      message:
        /https:\/\/example\.com\/models\/mine\/ is on another origin \(https:\/\/example\.com\) than this site .*deploy the model folder beside the site/,
    },
  ];
  const FOLDER: Record<string, string> = {
    'a model that is not a decoder': 'not-a-decoder',
    'a folder without tokenizer.json': 'no-tokenizer',
    'an operator onnxruntime does not implement': 'unknown-operator',
  };

  it('says what is wrong with each bad model, and goes on with the model it ran', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    const page = playground.page;
    try {
      for (const bad of BAD) {
        if (bad.how === 'picker') await pickFolder(page, join(scratch, FOLDER[bad.name]));
        else await openPath(page, bad.path!);
        const error = await openError(page);
        expect(error.kind, bad.name).toBe(bad.kind);
        expect(error.text, bad.name).toMatch(bad.message);
        expect(error.text, bad.name).toMatch(/The page goes on with tagplay-8m\./);
        expect(await page.getByTestId('model-name').textContent()).toMatch(/\(built in\)/);
      }
      // The built-in model was never stopped.
      expect(await tagRows(page)).toContain('angry');
      await playground.stepTo(1);
      expect(await playground.fault.count()).toBe(0);
      expect(playground.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('runs a model whose tokenizer has no tags without tag controls, and says why', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    const page = playground.page;
    try {
      await openPath(page, 'models/broken/no-tags/');
      await opened(page);
      expect(await page.getByTestId('no-tags').textContent()).toMatch(
        /The tokenizer of no-tags defines no tags \(no special token of the form <word>\), so there are no tag controls/,
      );
      expect(await tagRows(page)).toEqual([]);
      expect(await page.getByTestId('tag-groups').count()).toBe(0);
      expect(await page.getByTestId('controls-help').isVisible()).toBe(false);
      expect(await page.getByTestId('prompt').inputValue()).toBe('');
      await playground.setPrompt('The river');
      await playground.stepTo(3);
      expect(await playground.tokenCount()).toBe(3);
      expect(playground.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a share link made with the user's model names it; opened without it the page says so, and replays once it is open", async () => {
    const maker = await PlaygroundPage.open(session.context, session.site.url);
    let link: string;
    let made: string[];
    try {
      await pickFolder(maker.page, TINY);
      await opened(maker.page);
      await maker.setSeed(4);
      await maker.setMaxTokens(30);
      await maker.setPaceStep(9);
      await maker.setMode('excited', 'ban');
      made = (await run(maker)).texts;
      link = await maker.copyShareLink();
    } finally {
      await maker.page.close();
    }
    const state = JSON.parse(LZString.decompressFromEncodedURIComponent(new URL(link).hash.slice(3))) as {
      model: string;
    };
    expect(state.model).toBe(tinyId);

    const viewer = await PlaygroundPage.open(session.context, link);
    try {
      const notice = viewer.page.getByTestId('link-notice');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(
        new RegExp(`made with a model opened from its maker's own files, tiny-model \\(${tinyId}: .*Open a model…`),
      );
      expect(await viewer.tokenCount()).toBe(0);
      await pickFolder(viewer.page, TINY);
      await opened(viewer.page);
      await viewer.waitForEnd();
      expect((await viewer.exportTranscript()).tokens.map((t) => t.text)).toEqual(made);
      expect(await viewer.page.getByTestId('tag-row-excited').getAttribute('data-mode')).toBe('ban');
      expect(await notice.count()).toBe(0);

      // A link made with the built-in model, opened while the user's model runs, offers to go back to it.
      const builtIn = await PlaygroundPage.open(session.context, session.site.url);
      let builtInLink: string;
      let builtInMade: number[];
      try {
        await builtIn.stepTo(3);
        // Stopped, the link records the run as far as it went.
        await builtIn.page.getByTestId('stop').click();
        await builtIn.waitForEnd();
        builtInMade = (await builtIn.exportTranscript()).tokens.map((t) => t.token);
        builtInLink = await builtIn.copyShareLink();
      } finally {
        await builtIn.page.close();
      }
      await viewer.page.evaluate((hash) => (location.hash = hash), new URL(builtInLink).hash);
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/made with this site's built-in model .* this page runs tiny-model/);
      await viewer.page.getByTestId('notice-use-builtin').click();
      await viewer.page.getByTestId('model-name').getByText('(built in)').waitFor();
      // Once loaded, the page replays the link at once.
      await viewer.waitForModel();
      await viewer.waitForEnd();
      expect((await viewer.exportTranscript()).tokens.map((t) => t.token)).toEqual(builtInMade);
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.page.close();
    }
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(session));
});
