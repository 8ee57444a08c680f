/**
 * `npm run bench:stream`: only the playground streaming at full speed in Chromium on WASM, with its
 * main-thread frames and, with `--profile`, its CPU profile. For working on the page's main thread: it
 * prints and writes no results (the full `npm run bench` does that).
 *
 *   npm run bench:stream                              256 tokens
 *   npm run bench:stream -- --tokens 128 --profile   shorter, then once more under the CPU profiler
 *   npm run bench:stream -- --seed 5                  from seed 5 (the full bench finds one that reaches the count)
 *   npm run bench:stream -- --repeats 5               the runs after the first: the best of 5 (3 unless told)
 */
import { buildFrameMonitor, buildSites } from './browser/build';
import { measureStreaming } from './browser/app-page';
import { expectLocal, profilingOn, serveBench } from './browser/browser-suite';
import { launchProfile, watchOrigin } from '../tests/e2e/harness/browser';
import { NEW_TOKENS } from './core/bench-settings';
import { renderStreaming } from './report/markdown';

const arg = (name: string): number | null => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : null;
};
const TOKENS = arg('--tokens') ?? NEW_TOKENS;
const SEED = arg('--seed');
const PROFILE = process.argv.includes('--profile');
const REPEATS = arg('--repeats') ?? 3;

async function main(): Promise<void> {
  console.error('[bench] building the frame monitor and the playground');
  await buildFrameMonitor();
  await buildSites();
  const server = await serveBench();
  const chrome = await launchProfile('wasm');
  try {
    const foreign = watchOrigin(chrome.context, server.url);
    console.error(`[bench] streaming ${TOKENS} tokens${PROFILE ? ', then again under the CPU profiler' : ''}`);
    // No seed search here: a run that meets end-of-text early is followed by one with the next seed.
    const app = await measureStreaming(
      chrome.context,
      server,
      `${server.url}tagplay/`,
      TOKENS,
      SEED,
      REPEATS,
      PROFILE ? profilingOn(server) : null,
    );
    expectLocal(foreign);
    console.log(renderStreaming('WASM', app));
  } finally {
    await chrome.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
