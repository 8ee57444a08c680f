import type { Backend, DeviceChoice } from './api';

/** The little of WebGPU this module touches; the DOM library of this TypeScript has no WebGPU types. */
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

export type WebGpuProbe = { available: true; adapter: string } | { available: false; why: string };

/** Asks the browser for a WebGPU adapter, the same check onnxruntime's WebGPU backend needs to pass. */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { available: false, why: 'this browser does not offer WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, why: 'the browser offers WebGPU but found no adapter' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter((part) => part).join(' ');
    return { available: true, adapter: name || 'unnamed adapter' };
  } catch (error) {
    return { available: false, why: `asking for a WebGPU adapter failed: ${String(error)}` };
  }
}

/** Picks the backend for a choice: WebGPU when asked or when an adapter exists, otherwise WASM, and says why. */
export function pickBackend(choice: DeviceChoice, probe: WebGpuProbe): { backend: Backend; reason: string } {
  if (choice === 'wasm') return { backend: 'wasm', reason: 'WASM chosen by you' };
  if (probe.available) return { backend: 'webgpu', reason: `WebGPU adapter found: ${probe.adapter}` };
  return {
    backend: 'wasm',
    reason: choice === 'webgpu' ? `WebGPU asked for, but ${probe.why}` : `no WebGPU: ${probe.why}`,
  };
}
