import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem, arch } from 'node:os';
import { resolve } from 'node:path';

export interface Machine {
  cpuModel: string;
  cores: number;
  os: string;
  memoryGiB: number;
  node: string;
  versions: Record<string, string>;
  /** One-minute load average when the benchmark started and ended: above the core count, other work competed. */
  loadAverage: { start: number; end: number };
}

const REPO = resolve(import.meta.dirname, '../..');
const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(resolve(REPO, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** Where the figures were taken; Chromium's version is added by the browser suite. */
export function describeMachine(loadAtStart: number): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    os: `${platform()} ${arch()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    versions: Object.fromEntries(
      ['@huggingface/transformers', 'onnxruntime-node', 'onnxruntime-web', 'playwright-core'].map((p) => [
        p,
        versionOf(p),
      ]),
    ),
    loadAverage: { start: loadAtStart, end: loadavg()[0] },
  };
}
