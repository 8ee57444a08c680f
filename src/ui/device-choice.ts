import type { DeviceChoice } from '../worker/api';

/**
 * `?backend=webgpu` or `?backend=wasm` in the page's address asks for that backend from the first load
 * (WebGPU even on a software adapter, which the automatic choice passes over); tests and the bench use
 * it. Without it, or with another value, the worker chooses.
 */
export function deviceFromAddress(search: string): DeviceChoice {
  const asked = new URLSearchParams(search).get('backend');
  return asked === 'webgpu' || asked === 'wasm' ? asked : 'auto';
}
