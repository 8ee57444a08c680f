import { describe, expect, it } from 'vitest';
import { pickBackend, probeWebGpu, type GpuLike } from '../../src/worker/backend';
import { deviceFromAddress } from '../../src/ui/device-choice';

const gpuWith = (adapter: Awaited<ReturnType<GpuLike['requestAdapter']>>): GpuLike => ({
  requestAdapter: async () => adapter,
});

// What Chromium's SwiftShader adapter reports (headless Chromium with --enable-unsafe-webgpu).
const swiftShader = { info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' } };

describe('probeWebGpu', () => {
  it('flags a fallback adapter as software, by the spec flag or by the older one', async () => {
    const flagged = { info: { ...swiftShader.info, isFallbackAdapter: true } };
    await expect(probeWebGpu(gpuWith(flagged))).resolves.toEqual({
      available: true,
      adapter: 'google swiftshader',
      software: true,
    });
    const older = { isFallbackAdapter: true, info: { vendor: 'acme', architecture: 'gen9' } };
    await expect(probeWebGpu(gpuWith(older))).resolves.toMatchObject({ software: true });
  });

  it('flags SwiftShader, llvmpipe or a CPU device by name when the browser does not say fallback', async () => {
    await expect(probeWebGpu(gpuWith(swiftShader))).resolves.toMatchObject({ software: true });
    const mesa = { info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } };
    await expect(probeWebGpu(gpuWith(mesa))).resolves.toMatchObject({ software: true });
    const cpu = { info: { vendor: 'acme', device: 'CPU' } };
    await expect(probeWebGpu(gpuWith(cpu))).resolves.toMatchObject({ software: true });
  });

  it('takes a named hardware adapter as hardware', async () => {
    const intel = { info: { vendor: 'intel', architecture: 'gen-12lp', isFallbackAdapter: false } };
    await expect(probeWebGpu(gpuWith(intel))).resolves.toEqual({
      available: true,
      adapter: 'intel gen-12lp',
      software: false,
    });
  });

  it('says why there is no WebGPU', async () => {
    await expect(probeWebGpu(null)).resolves.toEqual({
      available: false,
      why: 'this browser does not offer WebGPU',
    });
    await expect(probeWebGpu(gpuWith(null))).resolves.toMatchObject({ available: false, why: /no adapter/ });
  });
});

describe('pickBackend', () => {
  const hardware = { available: true, adapter: 'intel gen-12lp', software: false } as const;
  const software = { available: true, adapter: 'google swiftshader', software: true } as const;
  const none = { available: false, why: 'this browser does not offer WebGPU' } as const;

  it('starts a software adapter on WASM and says why, unless WebGPU is asked for', () => {
    const auto = pickBackend('auto', software);
    expect(auto.backend).toBe('wasm');
    expect(auto.reason).toMatch(/software adapter on the processor, much slower than WASM: google swiftshader/);
    const forced = pickBackend('webgpu', software);
    expect(forced.backend).toBe('webgpu');
    expect(forced.reason).toMatch(/WebGPU as asked, on a software adapter/);
  });

  it('takes a hardware adapter on its own, and WASM when asked or when there is none', () => {
    expect(pickBackend('auto', hardware)).toEqual({
      backend: 'webgpu',
      reason: 'WebGPU adapter found: intel gen-12lp',
    });
    expect(pickBackend('webgpu', hardware).backend).toBe('webgpu');
    expect(pickBackend('wasm', hardware)).toEqual({ backend: 'wasm', reason: 'WASM chosen by you' });
    expect(pickBackend('auto', none).reason).toBe('no WebGPU: this browser does not offer WebGPU');
    expect(pickBackend('webgpu', none)).toEqual({
      backend: 'wasm',
      reason: 'WebGPU asked for, but this browser does not offer WebGPU',
    });
  });
});

describe('deviceFromAddress', () => {
  it('reads ?backend=webgpu or wasm and leaves anything else to the worker', () => {
    expect(deviceFromAddress('?backend=webgpu')).toBe('webgpu');
    expect(deviceFromAddress('?testhooks&backend=wasm')).toBe('wasm');
    expect(deviceFromAddress('?backend=cuda')).toBe('auto');
    expect(deviceFromAddress('')).toBe('auto');
  });
});
