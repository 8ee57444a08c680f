import { env } from '@huggingface/transformers';

/** The little of a WebGPU device this worker touches; this TypeScript's DOM library has no WebGPU types. */
export interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

/** onnxruntime's WebGPU device, once a WebGPU session exists. */
export async function webGpuDevice(): Promise<GpuDeviceLike | null> {
  const holder = env.backends.onnx.webgpu as { device?: GpuDeviceLike | Promise<GpuDeviceLike> } | undefined;
  return (await holder?.device) ?? null;
}
