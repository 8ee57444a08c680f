import { servedModelDir } from '../../site/served-paths';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_ALARM } from '../../src/steering/alarm';
import { SHARE_VERSION, type ShareState } from '../../src/share/state';
import { shareHash } from '../../src/ui/share-link';
import { POLICY, PROMPT, SAMPLING, SEED, timelineFor } from '../core/bench-settings';
import type { FrameStats } from '../web/frame-monitor';
import { mergeFrameStats } from '../web/frame-monitor';
import { FRAME_MONITOR_FILE } from './build';
import { profileMainThread, type ProfileSummary, type SourceResolver } from './cpu-profile';
import type { Profile } from '../../tests/e2e/harness/browser';
import { clickGenerateWhenReady, firstTokenTimes, type FirstTokenTimes } from '../../tests/e2e/harness/first-token';
import type { Sent, StaticServer } from '../../tests/e2e/harness/static-server';
import { addCpu, chromiumCpu, cpuSince, type ThreadCpu } from './thread-cpu';

export interface BytesByKind {
  model: number;
  runtime: number;
  page: number;
  total: number;
}

export interface LoadMeasure {
  /** From navigation start to the backend badge saying the model is ready, measured in the page. */
  readyMs: number;
  /** Cold loads only: from ready to the first token on the page, Generate clicked the moment the model is ready. */
  firstTokenMs: number | null;
  bytes: BytesByKind;
  /** Per path: requests, full responses (the rest were 304s) and body bytes. */
  files: Record<string, Sent>;
}

export interface StreamMeasure {
  /** Runs needed to reach the token count (a run may end early at end-of-text). */
  runs: number;
  tokens: number;
  /** From setting the run going to its end showing on the page, first token and rendering included. */
  wallMs: number;
  tokensPerSecond: number;
  frames: FrameStats;
  /** Chromium's CPU time by kind of thread over the runs (Linux only). */
  cpu: ThreadCpu | null;
}

export interface LoadsMeasure {
  /** The backend the playground picked by itself. */
  backend: string | null;
  /** The cold load with the median time to ready. */
  cold: LoadMeasure;
  /** Each cold load's time to ready, in order. */
  coldReadyMs: number[];
  /** Each cold load's time from ready to the first token, in order. */
  coldFirstTokenMs: number[];
  warm: LoadMeasure;
}

/** How long a person is taken to look at the page before pressing Generate, in the streaming measures that wait. */
export const READING_MS = 5000;

export interface StreamingMeasure {
  /** The first run, started the moment the model is ready. */
  atOnce: StreamMeasure;
  /** The first run, started READING_MS after the model is ready. */
  afterReading: StreamMeasure;
  /** The fastest of the runs after that one, in the same tab: the playground's own cost, as (a)'s best repeat is the runtime's. */
  nextRun: StreamMeasure;
  /** Tokens/s of each of those runs, in order. */
  nextRunRates: number[];
  /** The main thread's CPU profile over a first run after reading, on the unminified build; its frames are slower for the profiler. */
  profile: ProfileSummary | null;
}

export type AppMeasure = LoadsMeasure & StreamingMeasure;

function bytesByKind(sent: Map<string, Sent>): BytesByKind {
  const bytes = { model: 0, runtime: 0, page: 0, total: 0 };
  for (const [path, { bytes: n }] of sent) {
    if (path.includes('/models/')) bytes.model += n;
    else if (path.includes('/ort/')) bytes.runtime += n;
    else bytes.page += n;
    bytes.total += n;
  }
  return bytes;
}

/**
 * Opens the playground and waits for the badge that says the model is ready, timed from the page's own navigation
 * start; with `firstToken`, clicks Generate the moment it is ready and waits for the first token too.
 */
async function openReady(
  context: BrowserContext,
  url: string,
  server: StaticServer,
  firstToken = false,
): Promise<{ page: Page; load: LoadMeasure }> {
  server.resetSent();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`app page error: ${error.message}`));
  if (firstToken) await page.addInitScript(clickGenerateWhenReady);
  await page.goto(url);
  const times: FirstTokenTimes | { readyMs: number; firstTokenMs: null } = firstToken
    ? await firstTokenTimes(page, 300_000)
    : {
        readyMs: (await (
          await page.waitForFunction(
            () => (document.querySelector('[data-testid=backend-badge][data-backend]') ? performance.now() : 0),
            undefined,
            { polling: 'raf', timeout: 300_000 },
          )
        ).jsonValue()) as number,
        firstTokenMs: null,
      };
  const sent = server.sent();
  return { page, load: { ...times, bytes: bytesByKind(sent), files: Object.fromEntries(sent) } };
}

const statusText = (page: Page) =>
  page
    .getByTestId('run-status')
    .textContent()
    .then((t) => t ?? '');

/**
 * Runs the bench's settings at full speed in the playground by opening them as a share link (which the
 * page replays at once), while the injected frame monitor watches the main thread. A run that ends
 * early at end-of-text is followed by one with the next seed.
 */
async function stream(page: Page, newTokens: number, seed: number): Promise<StreamMeasure> {
  const windows: FrameStats[] = [];
  let tokens = 0;
  let runs = 0;
  let wallMs = 0;
  let cpu: ThreadCpu | null = null;
  while (tokens < newTokens) {
    const left = newTokens - tokens;
    const state: ShareState = {
      version: SHARE_VERSION,
      prompt: PROMPT,
      seed: seed + runs,
      sampling: SAMPLING,
      maxNewTokens: left,
      initialPolicy: POLICY,
      timeline: timelineFor(left),
      pace: 0,
      alarm: DEFAULT_ALARM,
      measurement: null,
      // The built playground's model folder, so the page replays the state.
      model: servedModelDir(),
      backend: null,
    };
    // Watched by a MutationObserver in the page rather than polled from here, so the harness adds no work to the frames.
    // No named functions inside: the page gets this function's source, and tsx's name helper does not exist there.
    const cpuBefore = chromiumCpu();
    const times = await page.evaluate(
      (hash) =>
        new Promise<{ started: number; ended: number }>((resolve, reject) => {
          const status = document.querySelector('[data-testid=run-status]');
          if (!status) return reject(new Error('the playground has no run status'));
          const before = status.textContent;
          const started = performance.now();
          let running = false;
          new MutationObserver((_, observer) => {
            // The status goes to "Generating…" and then to "Finished…, N tokens", which a run like the last one
            // ends on too; a very short run may skip the first, but then ends on another count.
            const ended = status.getAttribute('data-ended') !== '';
            running ||= !ended;
            if (!ended || (!running && status.textContent === before)) return;
            observer.disconnect();
            resolve({ started, ended: performance.now() });
          }).observe(status, { attributes: true, childList: true, characterData: true, subtree: true });
          window.tagplayFrames.start();
          // The same link twice in a row is no change of address; going by an empty one replays it.
          if (location.hash === hash) {
            addEventListener('hashchange', () => (location.hash = hash), { once: true });
            location.hash = '';
          } else location.hash = hash;
        }),
      shareHash(state),
    );
    cpu = addCpu(cpu, cpuSince(cpuBefore, chromiumCpu()));
    wallMs += times.ended - times.started;
    windows.push(await page.evaluate(() => window.tagplayFrames.stop()));
    const ran = Number(/(\d+) tokens/.exec(await statusText(page))?.[1] ?? 0);
    if (ran === 0) throw new Error(`the playground run produced no tokens: ${await statusText(page)}`);
    tokens += ran;
    runs++;
  }
  return { runs, tokens, wallMs, tokensPerSecond: (tokens * 1000) / wallMs, frames: mergeFrameStats(windows), cpu };
}

/** Cold loads taken, each on a profile of its own, so no cache (HTTP, service worker or compiled code) is shared. */
const COLD_LOADS = 3;

/**
 * Cold loads, the median by time to ready reported (one load wanders by some hundreds of ms on two shared
 * cores), each clicking Generate the moment the model is ready to time the first token: all but the last on
 * profiles of their own from `freshProfile`, the last on the suite's own fresh profile. Then a warm load in a
 * new tab of that profile (HTTP cache filled).
 */
export async function measureLoads(
  context: BrowserContext,
  server: StaticServer,
  siteUrl: string,
  freshProfile: () => Promise<Profile>,
): Promise<LoadsMeasure> {
  const colds: LoadMeasure[] = [];
  for (let i = 1; i < COLD_LOADS; i++) {
    const profile = await freshProfile();
    try {
      colds.push((await openReady(profile.context, siteUrl, server, true)).load);
    } finally {
      await profile.close();
    }
  }
  const last = await openReady(context, siteUrl, server, true);
  await last.page.close();
  colds.push(last.load);
  const coldReadyMs = colds.map((load) => load.readyMs);
  const cold = [...colds].sort((a, b) => a.readyMs - b.readyMs)[Math.floor(COLD_LOADS / 2)];
  const warm = await openReady(context, siteUrl, server);
  const backend = await warm.page.getByTestId('backend-badge').getAttribute('data-backend');
  await warm.page.close();
  return {
    backend,
    cold,
    coldReadyMs,
    coldFirstTokenMs: colds.map((load) => load.firstTokenMs ?? NaN),
    warm: warm.load,
  };
}

/** Opens the playground in a new tab, waits for the model, runs `run` on it and closes the tab. */
async function inNewTab<T>(
  context: BrowserContext,
  server: StaticServer,
  url: string,
  run: (page: Page) => Promise<T>,
): Promise<T> {
  const { page } = await openReady(context, url, server);
  try {
    return await run(page);
  } finally {
    await page.close();
  }
}

/**
 * Streams with the frame monitor injected, starting from `seed` (null: none is known to reach the count,
 * start from SEED): in a fresh tab the moment the model is ready; in another after READING_MS, and then
 * `nextRuns` times more there; with `profiling`, as the second, under the CPU profiler on the unminified build.
 */
export async function measureStreaming(
  context: BrowserContext,
  server: StaticServer,
  siteUrl: string,
  newTokens: number,
  seed: number | null,
  nextRuns: number,
  profiling: { url: string; resolve: SourceResolver } | null,
): Promise<StreamingMeasure> {
  // Pages opened from here on get the monitor before their own code runs.
  await context.addInitScript({ path: FRAME_MONITOR_FILE });
  const first = seed ?? SEED;
  const atOnce = await inNewTab(context, server, siteUrl, (page) => stream(page, newTokens, first));
  const { afterReading, next } = await inNewTab(context, server, siteUrl, async (page) => {
    await page.waitForTimeout(READING_MS);
    const afterReading = await stream(page, newTokens, first);
    const next: StreamMeasure[] = [];
    for (let i = 0; i < Math.max(1, nextRuns); i++) next.push(await stream(page, newTokens, first));
    return { afterReading, next };
  });
  const nextRun = next.reduce((best, run) => (run.tokensPerSecond > best.tokensPerSecond ? run : best));
  const nextRunRates = next.map((run) => run.tokensPerSecond);
  if (!profiling) return { atOnce, afterReading, nextRun, nextRunRates, profile: null };
  const profiled = await inNewTab(context, server, profiling.url, async (page) => {
    await page.waitForTimeout(READING_MS);
    return profileMainThread(page, profiling.resolve, () => stream(page, newTokens, first));
  });
  return { atOnce, afterReading, nextRun, nextRunRates, profile: profiled.profile };
}
