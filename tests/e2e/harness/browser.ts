import { chromium, type Browser } from 'playwright-core';

export type BackendUnderTest = 'webgpu' | 'wasm';

const COMMON_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Debian's Chromium, either with WebGPU on (SwiftShader runs it on the CPU) or with the GPU off, so
 * the page finds no WebGPU adapter and must fall back to WASM. `extraFlags` are added as given.
 */
export function launchChromium(backend: BackendUnderTest, extraFlags: string[] = []): Promise<Browser> {
  const flags = backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : ['--disable-gpu'];
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...COMMON_FLAGS, ...flags, ...extraFlags],
  });
}
