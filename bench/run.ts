/**
 * `npm run bench`: decode speed of four generation paths, first-token and load times, hook cost and
 * main-thread health, in Node and in Debian's headless Chromium (WASM, then WebGPU), side by side.
 * Prints a markdown report and writes bench/results.json and bench/results.md. It measures; it never fails on speed.
 *
 *   npm run bench                                   the full run (256 tokens, 5 repeats, WebGPU 16 tokens)
 *   npm run bench -- --tokens 32 --repeats 1        a quick smoke run
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { MODEL_DIR, MODEL_NAME } from '../models/recipe/paths';
import { buildBenchPage, buildFrameMonitor, buildSites } from './browser/build';
import { runBrowserSuite } from './browser/browser-suite';
import {
  NEW_TOKENS,
  POLICY,
  PROMPT,
  SAMPLING,
  SEED,
  WARMUP_TOKENS,
  WEBGPU_TOKENS,
  timelineFor,
} from './core/bench-settings';
import { modelShape } from './core/model-shape';
import { runNodeSuite } from './node/node-suite';
import { describeMachine } from './report/machine';
import { renderMarkdown } from './report/markdown';
import type { BenchResults } from './report/results';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOKENS = arg('--tokens', NEW_TOKENS);
const REPEATS = arg('--repeats', 5);
const GPU_TOKENS = arg('--webgpu-tokens', WEBGPU_TOKENS);
/** Passes over the recorded steps when timing the hook. */
const HOOK_PASSES = 30;
/** SwiftShader needs about a third of a second per token, so WebGPU gets a short warm-up and one repeat. */
const WEBGPU_WARMUP = 2;

const BENCH_DIR = resolve(import.meta.dirname);

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  const log = (line: string) => console.error(`[bench] ${line}`);
  log('building the bench page, the frame monitor and the playground');
  await buildBenchPage();
  await buildFrameMonitor();
  await buildSites();

  log(`Node: ${TOKENS} tokens × ${REPEATS}`);
  const node = await runNodeSuite(TOKENS, REPEATS, HOOK_PASSES);
  log(`Chromium: WASM ${TOKENS} tokens × ${REPEATS}, then WebGPU ${GPU_TOKENS} tokens × 1`);
  const browser = await runBrowserSuite([
    {
      backend: 'wasm',
      newTokens: TOKENS,
      repeats: REPEATS,
      warmupTokens: WARMUP_TOKENS,
      hookPasses: HOOK_PASSES,
      cpuProfile: true,
    },
    {
      backend: 'webgpu',
      newTokens: GPU_TOKENS,
      repeats: 1,
      warmupTokens: WEBGPU_WARMUP,
      hookPasses: 0,
      cpuProfile: false,
    },
  ]);

  const config = JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8'));
  const shape = modelShape(config);
  const results: BenchResults = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    machine: { ...describeMachine(loadAtStart), chromium: browser.chromium },
    model: {
      name: MODEL_NAME,
      parameters: typeof config.parameters === 'number' ? config.parameters : null,
      layers: shape.layers,
      vocab: shape.vocab,
      maxPositions: shape.maxPositions,
    },
    settings: {
      prompt: PROMPT,
      promptTokens: node.promptTokens,
      seed: SEED,
      sampling: SAMPLING,
      policy: POLICY,
      timeline: timelineFor(TOKENS),
      repeats: REPEATS,
      warmupTokens: WARMUP_TOKENS,
    },
    goals: { tagplayVsRaw: 0.9, messagingVsRaw: 0.85, longestFrameMs: 50 },
    node,
    browser,
  };
  const markdown = renderMarkdown(results);
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(BENCH_DIR, 'results.md'), markdown);
  console.log(markdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
