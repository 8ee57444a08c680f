import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

// A real device loss: the test hook calls destroy() on onnxruntime's own WebGPU device (SwiftShader here)
// in the middle of a run, and the browser reports the device as lost, as after a GPU reset.
describe('a lost WebGPU device', () => {
  let session: Session;

  beforeAll(async () => {
    session = await startSession('webgpu');
  });

  afterAll(async () => {
    await session?.close();
  });

  it('mid-run: the page says the GPU was lost, keeps the text, and resumes from it on WASM', async () => {
    const playground = await PlaygroundPage.open(session.context, `${session.site.url}?testhooks&backend=webgpu`);
    try {
      expect(await playground.backend()).toBe('webgpu');
      await playground.setMaxTokens(60);
      await playground.setPaceStep(9);
      await playground.generate();
      await playground.waitForTokens(3);
      await playground.page.evaluate(() => window.__tagplay!.injectFault('destroy-device'));
      const message = await playground.waitForFault('device-lost');
      expect(message.what).toMatch(/^The GPU stopped working during generation\. The GPU device was lost \(destroyed/);
      expect(message.todo).toMatch(/kept below\. WASM runs on the processor and needs no GPU: resume on WASM/);
      console.log(`device lost: ${message.what}`);
      expect(await playground.page.getByTestId('run-status').getAttribute('data-ended')).toBe('error');
      const kept = await playground.exportTranscript();
      expect(kept.stopped).toBe('error');
      expect(kept.tokens.length).toBeGreaterThanOrEqual(3);
      expect(await playground.tokenCount()).toBe(kept.tokens.length);
      // WASM is the first thing offered, WebGPU again the second.
      const actions = playground.fault.getByRole('button');
      expect(await actions.allTextContents()).toEqual(['Resume on WASM', 'Resume on WebGPU']);

      await playground.page.getByTestId('fault-resume-wasm').click();
      await playground.waitForModel();
      expect(await playground.backend()).toBe('wasm');
      const resumed = await playground.stopResumed(kept);
      expect(resumed.promptBox).toBe(resumed.from);
      expect(await playground.fault.count()).toBe(0);
      // The resumed run has only the rest of a short budget: on WASM it may use it up before the click lands.
      expect(['user', 'max-tokens']).toContain(resumed.ended);
      expect(resumed.transcriptPrompt).toBe(resumed.from);
      expect(playground.errors).toEqual([]);
    } finally {
      await playground.page.close();
    }
  });

  it('broke no rule of the Content-Security-Policy', () => {
    expect(session.cspReports).toEqual([]);
    expect(session.foreign).toEqual([]);
  });
});
