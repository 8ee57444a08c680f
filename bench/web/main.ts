/**
 * The bench page: times paths (a)–(c) in the bench worker and (d) through the app's own worker, round
 * robin, on the backend the Node side asks for.
 */
import * as Comlink from 'comlink';
import { probeWebGpu } from '../../src/worker/backend';
import { SEED } from '../core/bench-settings';
import { ratiosOf, runSuite } from '../core/suite';
import type { BenchWorkerApi } from './bench-api';
import { AppWorkerPath } from './app-worker-path';
import { FrameMonitor, mergeFrameStats, type FrameStats } from './frame-monitor';
import type { PageBench, PageSuiteResult, SuiteOptions } from './page-api';

declare global {
  interface Window {
    tagplayBench: PageBench;
  }
}

/** The page's folder: the model is served under `<base>models/`, onnxruntime under `<base>ort/`. */
const basePath = new URL('./', location.href).pathname;

async function suite(options: SuiteOptions): Promise<PageSuiteResult> {
  const probe = await probeWebGpu();
  const bench = Comlink.wrap<BenchWorkerApi>(
    new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'tagplay-bench' }),
  );
  await bench.load(options.backend, basePath);
  const app = await AppWorkerPath.start(options.backend, basePath);
  const seed = await bench.findSeed(options.newTokens);
  const frames: FrameStats[] = [];
  const timedApp = async (n: number) => {
    const monitor = new FrameMonitor();
    monitor.start();
    const runs = await app.run(n, seed ?? SEED);
    if (n === options.newTokens) frames.push(monitor.stop());
    else monitor.stop();
    return runs;
  };
  const paths = await runSuite(
    [
      { id: 'raw', label: '(a) raw onnxruntime-web loop, no hook', run: async (n) => [await bench.run('raw', n)] },
      {
        id: 'generate',
        label: '(b) transformers.js generate(), no hook',
        run: async (n) => [await bench.run('generate', n)],
      },
      {
        id: 'tagplay',
        label: '(c) tagplay Generation, hook + live policy',
        run: async (n) => [await bench.run('tagplay', n)],
      },
      { id: 'messaging', label: "(d) (c) in the app's worker, batches to the page", run: timedApp },
    ],
    options.newTokens,
    options.repeats,
    options.warmupTokens,
  );
  return {
    backend: options.backend,
    adapter: probe.available ? probe.adapter : null,
    paths,
    ratios: ratiosOf(paths),
    hook: options.hookPasses > 0 ? await bench.hookCost(options.newTokens, options.hookPasses) : null,
    seed,
    frames: mergeFrameStats(frames),
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

window.tagplayBench = { suite };
