import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

// Chromium with WebGPU on and no GPU offers only SwiftShader, a software adapter that computes on the
// processor far slower than WASM: the page starts on WASM and says why, and WebGPU stays one click away.
describe('a software WebGPU adapter', () => {
  let session: Session;

  beforeAll(async () => {
    session = await startSession('webgpu');
  });

  afterAll(async () => {
    await session?.close();
  });

  it('starts on WASM, says why on the badge, and switches to WebGPU in one click', async () => {
    const playground = await PlaygroundPage.open(session.context, session.site.url);
    try {
      expect(await playground.backend()).toBe('wasm');
      await expect(playground.badge.textContent()).resolves.toMatch(
        /WASM\s*WebGPU here is only a software adapter on the processor, much slower than WASM: google swiftshader/,
      );
      await expect(playground.page.getByTestId('backend-hint').textContent()).resolves.toMatch(
        /WebGPU runs in software on the processor/,
      );
      const toWebGpu = playground.page.getByRole('button', { name: 'Use WebGPU instead' });
      expect(await toWebGpu.isEnabled()).toBe(true);
      await toWebGpu.click();
      await playground.page.locator('[data-testid=backend-badge][data-backend=webgpu]').waitFor({ timeout: 120_000 });
      await expect(playground.badge.textContent()).resolves.toMatch(/WebGPU as asked, on a software adapter/);
      await playground.stepTo(1);
      expect(playground.errors).toEqual([]);
    } finally {
      await playground.page.close();
    }
  });

  it('?backend=webgpu forces WebGPU from the first load, and ?backend=wasm WASM', async () => {
    const forced = await PlaygroundPage.open(session.context, `${session.site.url}?backend=webgpu`);
    try {
      expect(await forced.backend()).toBe('webgpu');
      await expect(forced.badge.textContent()).resolves.toMatch(/WebGPU as asked, on a software adapter/);
      await forced.stepTo(1);
    } finally {
      await forced.page.close();
    }
    const wasm = await PlaygroundPage.open(session.context, `${session.site.url}?backend=wasm`);
    try {
      expect(await wasm.backend()).toBe('wasm');
      await expect(wasm.badge.textContent()).resolves.toMatch(/WASM chosen by you/);
      expect(await wasm.page.getByTestId('backend-hint').count()).toBe(0);
    } finally {
      await wasm.page.close();
    }
  });
});
