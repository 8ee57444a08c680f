import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryReport } from '../../src/ui/test-hooks';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

const RUNS = 24;
const TOKENS = 40;
/**
 * The measurement after this run is the baseline. The first runs still warm up: onnxruntime's arena,
 * and the page's heap rises by about 1 MiB over its first ten runs. Two heap snapshots, after runs
 * 10 and 30, differ by 0.4 MiB, three quarters of it V8's compiled code and the rest the browser's own
 * bounded buffers (layout-shift entries, the seed field's undo steps): no object of the page's.
 */
const WARM = 10;
/**
 * The trend after the baseline, by least squares over the runs: at most this share of the baseline per
 * run. A leak of one run's tokens and views (tens of KiB) in each run shows up here; the page's heap,
 * which garbage collection moves by about ±0.7 MiB, stays well inside it.
 */
const TREND_LIMIT = 0.004;
/** And no single measurement after the baseline above it by more than this share. */
const PEAK_LIMIT = 1.15;

/** Least-squares slope of `ys` over 0, 1, 2, … */
function slope(ys: number[]): number {
  const n = ys.length;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

const mb = (bytes: number | null) => (bytes === null ? 'n/a' : (bytes / 2 ** 20).toFixed(2));

// Cross-origin isolated, so the page may call performance.measureUserAgentSpecificMemory, which
// measures the worker's JavaScript heap too; eagerly, rather than at the browser's next garbage collection.
describe('long use on WASM', () => {
  let session: Session;

  beforeAll(async () => {
    session = await startSession('wasm', {
      isolated: true,
      flags: ['--enable-blink-features=ForceEagerMeasureMemory'],
    });
  });

  afterAll(async () => {
    await session?.close();
  });

  it(`${RUNS} generations in one page without reload: all finish, and the worker's memory stays flat`, async () => {
    const playground = await PlaygroundPage.open(session.context, `${session.site.url}?testhooks`);
    const page = playground.page;
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await playground.setMaxTokens(TOKENS);
    await playground.setPaceStep(9);
    // A full collection before each measurement, so the figures compare live objects, not how far
    // the page's collector happened to have got (it moved the page's heap by up to 1.7 MiB between runs).
    const cdp = await session.context.newCDPSession(page);
    const reports: (MemoryReport & { tokens: number })[] = [];
    for (let run = 1; run <= RUNS; run++) {
      await playground.setSeed(run);
      await playground.generate();
      expect(['max-tokens', 'end-of-text']).toContain(await playground.waitForEnd());
      const tokens = await playground.tokenCount();
      expect(tokens).toBeGreaterThan(0);
      await cdp.send('HeapProfiler.collectGarbage');
      reports.push({ ...(await page.evaluate(() => window.__tagplay!.memory())), tokens });
    }
    console.log(
      `long use: ${RUNS} generations of up to ${TOKENS} tokens, memory after each, in MiB (${reports[0].method})`,
    );
    console.log('run  tokens  worker JS  worker WASM  page JS');
    for (const [i, r] of reports.entries()) {
      console.log(
        `${String(i + 1).padStart(3)}  ${String(r.tokens).padStart(6)}  ${mb(r.workerJsBytes).padStart(9)}  ${mb(r.workerWasmBytes).padStart(11)}  ${mb(r.pageJsBytes).padStart(7)}`,
      );
    }
    const base = reports[WARM - 1];
    expect(reports.at(-1)!.method).toBe('performance.measureUserAgentSpecificMemory');
    for (const key of ['workerJsBytes', 'workerWasmBytes', 'pageJsBytes'] as const) {
      expect(base[key], key).toBeGreaterThan(0);
      const after = reports.slice(WARM - 1).map((r) => r[key]!);
      const trend = slope(after) / base[key]!;
      console.log(`${key}: trend ${(trend * 100).toFixed(3)} % of run ${WARM} per run`);
      expect(trend, `${key}: growth per run after run ${WARM}, as a share of it`).toBeLessThan(TREND_LIMIT);
      expect(Math.max(...after), `${key}: highest after run ${WARM}`).toBeLessThanOrEqual(base[key]! * PEAK_LIMIT);
    }
    expect(await playground.fault.count()).toBe(0);
    expect(playground.errors).toEqual([]);
  });

  it('measures 500 samples, and the worker keeps no more memory after them than after 50', async () => {
    const playground = await PlaygroundPage.open(session.context, `${session.site.url}?testhooks`);
    const page = playground.page;
    await playground.setMaxTokens(12);
    await page.getByTestId('measure').locator('summary').click();
    const cdp = await session.context.newCDPSession(page);
    const measured = async (samples: number) => {
      await page.getByTestId('measure-samples').fill(String(samples));
      await page.getByTestId('measure-run').click();
      await page.getByTestId('measure-run').and(page.locator(':enabled')).waitFor({ timeout: 300_000 });
      expect(await page.getByTestId('measure-summary').textContent()).toMatch(new RegExp(`^\\s*${samples} samples`));
      await cdp.send('HeapProfiler.collectGarbage');
      return page.evaluate(() => window.__tagplay!.memory());
    };
    await measured(50);
    const after50 = await measured(50);
    const after500 = await measured(500);
    console.log(
      `measure: worker JS ${mb(after50.workerJsBytes)} → ${mb(after500.workerJsBytes)} MiB, ` +
        `WASM ${mb(after50.workerWasmBytes)} → ${mb(after500.workerWasmBytes)} MiB after 50 and 500 samples`,
    );
    expect(after500.workerJsBytes!).toBeLessThan(after50.workerJsBytes! * 1.05);
    expect(after500.workerWasmBytes!).toBeLessThanOrEqual(after50.workerWasmBytes!);
    expect(await playground.fault.count()).toBe(0);
    expect(playground.errors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy, isolated as well', () => {
    expect(session.cspReports).toEqual([]);
    expect(session.foreign).toEqual([]);
  });
});
