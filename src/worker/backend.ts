import type { Backend, DeviceChoice } from './api';

/** The little of WebGPU this module touches; the DOM library of this TypeScript has no WebGPU types. */
interface GpuAdapterLike {
  /** Where older Chromium says the adapter is a software fallback; the current spec moved it into `info`. */
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}
export interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

export type WebGpuProbe =
  | {
      available: true;
      adapter: string;
      /** A CPU fallback such as SwiftShader: WebGPU, but slower than WASM. */
      software: boolean;
    }
  | { available: false; why: string };

/** Adapters that compute on the processor, by name, for browsers that do not flag them as fallbacks. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b|\bcpu\b/i;

const browserGpu = (): GpuLike | null => (navigator as Navigator & { gpu?: GpuLike }).gpu ?? null;

/** Asks the browser for a WebGPU adapter, the same check onnxruntime's WebGPU backend needs to pass. */
export async function probeWebGpu(gpu: GpuLike | null = browserGpu()): Promise<WebGpuProbe> {
  if (!gpu) return { available: false, why: 'this browser does not offer WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, why: 'the browser offers WebGPU but found no adapter' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.device, info.description].filter((part) => part).join(' ');
    const software =
      adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(name);
    return { available: true, adapter: name || 'unnamed adapter', software };
  } catch (error) {
    return { available: false, why: `asking for a WebGPU adapter failed: ${String(error)}` };
  }
}

/**
 * Picks the backend for a choice and says why. The automatic choice takes WebGPU only on a hardware
 * adapter: a software one (SwiftShader) ran about a hundred times slower than WASM. Asking for WebGPU
 * takes any adapter.
 */
export function pickBackend(choice: DeviceChoice, probe: WebGpuProbe): { backend: Backend; reason: string } {
  if (choice === 'wasm') return { backend: 'wasm', reason: 'WASM chosen by you' };
  if (!probe.available)
    return {
      backend: 'wasm',
      reason: choice === 'webgpu' ? `WebGPU asked for, but ${probe.why}` : `no WebGPU: ${probe.why}`,
    };
  if (!probe.software) return { backend: 'webgpu', reason: `WebGPU adapter found: ${probe.adapter}` };
  if (choice === 'webgpu')
    return {
      backend: 'webgpu',
      reason: `WebGPU as asked, on a software adapter that runs on the processor: ${probe.adapter}`,
    };
  return {
    backend: 'wasm',
    reason: `WebGPU here is only a software adapter on the processor, much slower than WASM: ${probe.adapter}`,
  };
}
