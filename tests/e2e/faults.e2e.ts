import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { servedModelDir } from '../../site/served-paths';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';
import type { SiteFault } from './harness/static-server';

/** Each broken deployment: the fault kind the page must report, and words its message must contain. */
const BROKEN: { fault: SiteFault; kind: string; what: RegExp; todo: RegExp }[] = [
  {
    fault: 'missing-onnx',
    kind: 'missing',
    what: /onnx\/model\.onnx was not found .*HTTP 404/,
    todo: /Deploy the models\/ and ort\/ folders/,
  },
  {
    fault: 'missing-model',
    kind: 'missing',
    what: new RegExp(`config\\.json was not found .*/tagplay/models/${servedModelDir()}/config\\.json.*HTTP 404`),
    todo: /Deploy the models\/ and ort\/ folders/,
  },
  {
    fault: 'no-connection',
    kind: 'unreachable',
    what: /could not be reached.*connection failed/,
    todo: /Check your connection/,
  },
  {
    fault: 'truncated-onnx',
    kind: 'damaged',
    what: /all there, but they could not be read/,
    todo: /damaged or cut short/,
  },
  {
    fault: 'interrupted-onnx',
    kind: 'interrupted',
    what: /download broke off before its end \(Failed to fetch\)/,
    todo: /connection broke off while the model was downloading. Try again/,
  },
];

// WebGPU off: these are about what goes wrong around the model, which WASM shows quickly. No service
// worker: a visitor who has the site kept loads it from there whatever the server does (offline.e2e.ts);
// these are about a visitor who has nothing kept, as on a first visit.
describe('faults around the model, on WASM', () => {
  let session: Session;

  beforeAll(async () => {
    session = await startSession('wasm', { noServiceWorker: true });
  });

  afterEach(() => session.site.setFault(null));

  afterAll(async () => {
    await session?.close();
  });

  it('with no WebGPU adapter, says so, runs on WASM and tells how to get WebGPU', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    try {
      expect(await playground.backend()).toBe('wasm');
      expect(await playground.badge.textContent()).toMatch(
        /WASM.*no WebGPU: (this browser does not offer WebGPU|the browser offers WebGPU but found no adapter)/,
      );
      expect(await playground.page.getByTestId('backend-hint').textContent()).toMatch(
        /For WebGPU, use a browser that has it switched on/,
      );
      const webgpu = playground.page.getByRole('button', { name: 'Use WebGPU instead' });
      expect(await webgpu.isDisabled()).toBe(true);
      expect(await webgpu.getAttribute('title')).toBe('No WebGPU adapter in this browser');
      await playground.stepTo(1);
      expect(await playground.fault.count()).toBe(0);
    } finally {
      await playground.page.close();
    }
  });

  for (const { fault, kind, what, todo } of BROKEN) {
    it(`a deployment with ${fault}: says what happened and what to do, and loads once it is fixed`, async () => {
      session.site.setFault(fault);
      const playground = await PlaygroundPage.open(session.context, session.site.url, { waitForModel: false });
      try {
        const message = await playground.waitForFault(kind);
        expect(message.what).toMatch(/^The model could not be loaded: /);
        expect(message.what).toMatch(what);
        expect(message.todo).toMatch(todo);
        expect(await playground.badge.textContent()).toMatch(/No model loaded/);
        expect(await playground.page.getByTestId('generate').isDisabled()).toBe(true);

        session.site.setFault(null);
        await playground.page.getByTestId('fault-retry').click();
        await playground.waitForModel();
        expect(await playground.fault.count()).toBe(0);
        await playground.stepTo(1);
        expect(playground.errors).toEqual([]);
      } finally {
        await playground.page.close();
      }
    });
  }

  it('a model step failing mid-run: keeps the text, says what happened, and resumes from it', async () => {
    const playground = await PlaygroundPage.open(session.context, `${session.site.url}?testhooks`);
    try {
      await playground.setMaxTokens(200);
      await playground.setPaceStep(3);
      await playground.generate();
      await playground.waitForTokens(5);
      await playground.page.evaluate(() => window.__tagplay!.injectFault('step-error'));
      const message = await playground.waitForFault('generation');
      expect(message.what).toMatch(/^Generation failed: Injected fault/);
      expect(message.todo).toMatch(/tokens written so far are kept below. Resume restarts the model/);
      expect(await playground.page.getByTestId('run-status').getAttribute('data-ended')).toBe('error');

      const kept = await playground.exportTranscript();
      expect(kept.stopped).toBe('error');
      expect(kept.tokens.length).toBeGreaterThanOrEqual(5);
      expect(await playground.tokenCount()).toBe(kept.tokens.length);
      expect(message.todo).toContain(`The ${kept.tokens.length} tokens written so far`);
      // Only WASM is there, so resuming means the same backend.
      expect(await playground.page.getByTestId('fault-resume-wasm').count()).toBe(0);

      await playground.page.getByTestId('fault-resume').click();
      await playground.waitForModel();
      const resumed = await playground.stopResumed(kept);
      expect(resumed.promptBox).toBe(resumed.from);
      expect(await playground.fault.count()).toBe(0);
      expect(resumed.ended).toBe('user');
      expect(resumed.transcriptPrompt).toBe(resumed.from);
      expect(playground.errors).toEqual([]);
    } finally {
      await playground.page.close();
    }
  });

  it('a worker crash mid-stream: noticed, text kept, and resumed from it, even past a failed reload', async () => {
    const playground = await PlaygroundPage.open(session.context, `${session.site.url}?testhooks`);
    try {
      await playground.setPrompt('<story><scared>The night was dark and the wind was loud.');
      await playground.setMaxTokens(200);
      await playground.setPaceStep(3);
      await playground.generate();
      await playground.waitForTokens(5);
      // Terminating a worker tells the page nothing: it has to notice the silence.
      await playground.page.evaluate(() => window.__tagplay!.terminateWorker());
      const beforeCrash = await playground.tokenCount();
      const message = await playground.waitForFault('crash', 60_000);
      expect(message.what).toMatch(/The model worker stopped unexpectedly \(it did not answer for \d+ s\)/);
      expect(message.todo).toMatch(/kept below. Resume restarts the model and goes on from that text/);
      expect(await playground.page.getByTestId('run-status').getAttribute('data-ended')).toBe('error');
      // The page shows tokens at most every 80 ms, so a batch that arrived just before the worker died
      // may still be on its way to the screen: it is kept too (3 tokens/s: one token at most), nothing is lost.
      const shown = await playground.tokenCount();
      expect(shown).toBeGreaterThanOrEqual(beforeCrash);
      expect(shown).toBeLessThanOrEqual(beforeCrash + 1);
      const kept = await playground.exportTranscript();
      expect(kept.tokens.length).toBe(shown);

      // The reload fails too (the site went away meanwhile): the text is still kept, and trying again resumes.
      session.site.setFault('no-connection');
      await playground.page.getByTestId('fault-resume').click();
      await playground.waitForFault('unreachable');
      expect(await playground.tokenCount()).toBe(shown);
      expect(await playground.page.getByTestId('stream').textContent()).toContain('The night was dark');

      session.site.setFault(null);
      await playground.page.getByTestId('fault-retry').click();
      await playground.waitForModel();
      const resumed = await playground.stopResumed(kept);
      expect(resumed.promptBox).toBe(resumed.from);
      expect(resumed.ended).toBe('user');
      expect(resumed.transcriptPrompt).toBe(resumed.from);
      expect(playground.errors).toEqual([]);
    } finally {
      await playground.page.close();
    }
  });

  it('fetched nothing from another origin, and broke no rule of the Content-Security-Policy', () => {
    expect(session.foreign).toEqual([]);
    expect(session.cspReports).toEqual([]);
  });
});
