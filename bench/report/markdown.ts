import { READING_MS, type StreamMeasure, type StreamingMeasure } from '../browser/app-page';
import type { ProfileSummary } from '../browser/cpu-profile';
import { SEED_TRIES } from '../core/bench-settings';
import { median } from '../core/timing';
import type { HookCost } from '../core/hook-cost';
import type { PathId, PathResult, Ratios } from '../core/suite';
import type { FrameStats } from '../web/frame-monitor';
import type { BenchResults } from './results';

const PATHS: PathId[] = ['raw', 'generate', 'tagplay', 'messaging'];
const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const pathOf = (paths: PathResult[], id: PathId) => paths.find((p) => p.id === id);
/** "256" or "256 (2 runs)" when a path restarted after end-of-text. */
function tokensOf(paths: PathResult[]): string {
  const counts = new Set(
    paths.flatMap((p) => p.repeats.map((r) => (r.runs > 1 ? `${r.tokens} in ${r.runs} runs` : `${r.tokens}`))),
  );
  return [...counts].join(', ');
}
const ratio = (value: number, goal: number) =>
  `${fixed(value, 2)} (goal ≥ ${goal}: ${value >= goal ? 'met' : 'missed'})`;

function throughputRows(results: BenchResults): (string | number)[][] {
  const { goals } = results;
  const line = (
    where: string,
    newTokens: number,
    repeats: number,
    paths: PathResult[],
    ratios: Ratios,
    withGoal: boolean,
  ) => [
    where,
    `${newTokens} × ${repeats} (${tokensOf(paths)})`,
    ...PATHS.map((id) => fixed(pathOf(paths, id)?.best.tokensPerSecond ?? Number.NaN, 1)),
    withGoal ? ratio(ratios.tagplayVsRaw, goals.tagplayVsRaw) : fixed(ratios.tagplayVsRaw, 2),
    withGoal ? ratio(ratios.messagingVsRaw, goals.messagingVsRaw) : fixed(ratios.messagingVsRaw, 2),
    fixed(ratios.tagplayVsRawAtEqualRuntime ?? Number.NaN, 2),
    fixed(ratios.messagingVsRawAtEqualRuntime ?? Number.NaN, 2),
  ];
  return [
    line(
      `Node, ${results.node.backend}`,
      results.node.newTokens,
      results.settings.repeats,
      results.node.paths,
      results.node.ratios,
      false,
    ),
    ...results.browser.backends.map((b) =>
      line(`Chromium, ${b.label}`, b.newTokens, b.repeats, b.suite.paths, b.suite.ratios, b.backend === 'wasm'),
    ),
  ];
}

function firstTokenRows(results: BenchResults): (string | number)[][] {
  const first = (p: PathResult | undefined) => (p ? Math.min(...p.repeats.map((r) => r.firstTokenMs)) : Number.NaN);
  const line = (where: string, paths: PathResult[]) => [
    where,
    ...PATHS.map((id) => fixed(first(pathOf(paths, id)), 1)),
  ];
  return [
    line(`Node, ${results.node.backend}`, results.node.paths),
    ...results.browser.backends.map((b) => line(`Chromium, ${b.label}`, b.suite.paths)),
  ];
}

function breakdownRows(results: BenchResults): (string | number)[][] {
  const cell = (p: PathResult | undefined) => {
    if (!p) return '–';
    const { msPerToken: total, meteredMsPerToken: metered } = p.best;
    const { runtime, model, engine } = metered;
    if (runtime === undefined) return `${fixed(total, 2)} (not metered)`;
    // Each meter's time includes the one inside it; the parts are the differences, ending with what is outside them all.
    const nested = [runtime, model, engine].filter((ms): ms is number => ms !== undefined);
    const parts = [...nested, total].map((ms, i) => ms - (i > 0 ? nested[i - 1] : 0));
    return `${fixed(total, 2)} = ${parts.map((ms) => fixed(ms, 2)).join(' + ')}`;
  };
  const line = (where: string, paths: PathResult[]) => [where, ...PATHS.map((id) => cell(pathOf(paths, id)))];
  return [
    line(`Node, ${results.node.backend}`, results.node.paths),
    ...results.browser.backends.map((b) => line(`Chromium, ${b.label}`, b.suite.paths)),
  ];
}

function hookRow(where: string, hook: HookCost): (string | number)[] {
  return [
    where,
    hook.tokens,
    fixed(hook.samplerUs, 1),
    fixed(hook.hookAndSamplerUs, 1),
    fixed(hook.hookUs, 1),
    fixed(hook.engineStepUs, 1),
  ];
}

const frameCells = (f: FrameStats) => [
  f.frames,
  fixed(f.longestFrameMs, 1),
  f.framesOver50Ms,
  f.longAnimationFrames === null
    ? 'n/a'
    : `${f.longAnimationFrames} (longest ${fixed(f.longestAnimationFrameMs ?? 0, 0)} ms)`,
];

/** The printed report: one markdown document, also saved next to results.json for the README. */
export function renderMarkdown(results: BenchResults): string {
  const { machine, model, settings, node, browser } = results;
  const policy = Object.entries(settings.policy).map(([tag, rule]) =>
    rule.mode === 'ban' ? `ban <${tag}>` : `boost <${tag}> ${rule.boost > 0 ? '+' : ''}${rule.boost}`,
  );
  const changes = settings.timeline.map((e) =>
    e.change.kind === 'boost' ? `boost <${e.change.tag}> +${e.change.boost} from token ${e.tokenIndex}` : e.change.kind,
  );
  const wasm = browser.backends.find((b) => b.backend === 'wasm');
  const seeds = browser.backends.map((b) => `${b.label}: ${b.suite.seed ?? `none of ${SEED_TRIES} tried`}`).join(', ');
  return [
    `## tagplay benchmark (${results.date})`,
    '',
    `Command: \`${results.command}\`. Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.os}, ${machine.memoryGiB} GiB; Node ${machine.node}; Chromium ${machine.chromium} (headless, one page at a time, onnxruntime-web with 1 thread); load average ${fixed(machine.loadAverage.start, 2)} at start, ${fixed(machine.loadAverage.end, 2)} at end.`,
    `Model: ${model.name} (${model.parameters === null ? '?' : (model.parameters / 1e6).toFixed(2)} M parameters, ${model.layers} layers, vocabulary ${model.vocab}). Prompt \`${settings.prompt}\` (${settings.promptTokens} tokens), seed ${settings.seed}; (a) and (b) are greedy, (c) and (d) sample (temperature ${settings.sampling.temperature}, top-k ${settings.sampling.topK}, top-p ${settings.sampling.topP}) under the policy ${[...policy, ...changes].join(', ')}; (a)–(c) never stop at end-of-text, while the app's worker in (d) and the playground cannot mask it, so they start from the first seed that reaches the count without it (${seeds}), and a run that still ends early is followed by the next seed (counted in runs below).`,
    '',
    '### Decode throughput, tokens/s (best of the repeats, after warm-up runs; first token excluded)',
    '',
    table(
      [
        'Where',
        'New tokens × repeats (generated per run)',
        '(a) raw ORT loop',
        '(b) generate()',
        '(c) tagplay + hook',
        '(d) (c) + records + messaging',
        '(c)/(a)',
        '(d)/(a)',
        '(c)/(a) at equal runtime time',
        '(d)/(a) at equal runtime time',
      ],
      throughputRows(results),
    ),
    '',
    "The best repeat is shown because other work on a shared machine only ever slows a run down; medians and every repeat are in results.json. The last two columns take onnxruntime's own time out of the comparison: (a)'s time per token over (a)'s plus the extra time (c) or (d) spends outside onnxruntime. They matter because onnxruntime's own time per token differs between runs and between threads (see \"Where the time goes\"; (d) runs in the app's worker, (a)–(c) in the bench's).",
    '',
    '### Time to first token with a warm model, ms (prompt prefill included; best of the repeats)',
    '',
    table(['Where', '(a)', '(b)', '(c)', '(d) to the page'], firstTokenRows(results)),
    '',
    "### Where the time goes, ms per token of the best repeat (prefill included): onnxruntime `run()` + transformers.js and `KvCacheModel` around it + the engine's step around that (hook, sampler, tag probabilities, top-5) + the rest; (a) and (b) have only the first and the last",
    '',
    table(['Where', '(a)', '(b)', '(c)', '(d)'], breakdownRows(results)),
    '',
    '### Loading the playground (Chromium: three cold loads, each on a fresh profile, Generate clicked the moment the model is ready; medians shown; then again with the HTTP cache warm)',
    '',
    table(
      [
        'Backend',
        'Cold: ready after (median; each)',
        'Cold: bytes (model + runtime + page)',
        'Cold: first token after ready (median; each)',
        'Warm: ready after',
        'Warm: bytes',
      ],
      browser.backends.map((b) => [
        b.label,
        `${fixed(b.app.cold.readyMs)} ms (${b.app.coldReadyMs.map((ms) => fixed(ms)).join(', ')})`,
        `${mib(b.app.cold.bytes.total)} (${mib(b.app.cold.bytes.model)} + ${mib(b.app.cold.bytes.runtime)} + ${mib(b.app.cold.bytes.page)})`,
        `${fixed(median(b.app.coldFirstTokenMs))} ms (${b.app.coldFirstTokenMs.map((ms) => fixed(ms)).join(', ')})`,
        `${fixed(b.app.warm.readyMs)} ms`,
        mib(b.app.warm.bytes.total),
      ]),
    ),
    '',
    '### Hook cost per token, µs (same recorded logits, hook on vs off; fastest of 30 passes, variants taking turns)',
    '',
    table(
      ['Where', 'Tokens', 'Sampler only', 'Hook + sampler', 'Hook', 'Engine step (hook + sampler + top-5)'],
      [
        hookRow(`Node ${machine.node}`, node.hook),
        ...(wasm?.suite.hook ? [hookRow(`Chromium ${machine.chromium} (worker)`, wasm.suite.hook)] : []),
      ],
    ),
    '',
    '### Main thread while streaming at full speed',
    '',
    table(
      STREAM_HEAD,
      browser.backends.flatMap((b) => [
        ...streamRows(b.label, b.app),
        [
          b.label,
          'bench page, (d) runs (messages only)',
          `${b.newTokens} × ${b.repeats}`,
          '–',
          ...frameCells(b.suite.frames),
        ],
      ]),
    ),
    '',
    ...(wasm ? [playgroundVsRaw(wasm.app, pathOf(wasm.suite.paths, 'raw')), ''] : []),
    ...cpuSection(browser.backends),
    ...browser.backends.flatMap((b) => (b.app.profile ? profileSection(b.label, b.app.profile) : [])),
  ].join('\n');
}

/** The playground's own end-to-end rate on WASM as a share of the raw loop's: what the page and the worker keep. */
function playgroundVsRaw(app: StreamingMeasure, raw: PathResult | undefined): string {
  const rates = app.nextRunRates.map((r) => fixed(r, 1)).join(', ');
  const best = app.nextRun.tokensPerSecond;
  const share = raw ? fixed(best / raw.best.tokensPerSecond, 2) : 'n/a';
  return (
    `On WASM the playground streamed ${fixed(best, 1)} tokens/s end to end at best in the runs after its first ` +
    `(${rates}): ${share} of (a)'s best repeat, the share of the runtime's own speed that the page keeps.`
  );
}

const STREAM_HEAD = [
  'Backend',
  'Page',
  'Tokens',
  'Tokens/s (end to end)',
  'Frames',
  'Longest frame, ms',
  'Frames over 50 ms',
  'Long animation frames',
];

const SECONDS_READING = `${READING_MS / 1000} s`;

function streamRow(label: string, page: string, streaming: StreamMeasure): (string | number)[] {
  const runs = `${streaming.runs} run${streaming.runs > 1 ? 's' : ''}`;
  return [
    label,
    page,
    `${streaming.tokens} in ${runs}`,
    fixed(streaming.tokensPerSecond, 1),
    ...frameCells(streaming.frames),
  ];
}

const streamRuns = (app: StreamingMeasure): [string, StreamMeasure][] => [
  ['playground: first run, the moment the model is ready', app.atOnce],
  [`playground: first run, ${SECONDS_READING} after`, app.afterReading],
  [`playground: the runs after it, best of ${app.nextRunRates.length}`, app.nextRun],
];

const streamRows = (label: string, app: StreamingMeasure) =>
  streamRuns(app).map(([page, run]) => streamRow(label, page, run));

/** Chromium's CPU by kind of thread during each playground run, where the platform tells it. */
function cpuSection(backends: { label: string; app: StreamingMeasure }[]): string[] {
  const rows = backends.flatMap((b) =>
    streamRuns(b.app).flatMap(([page, run]) =>
      run.cpu
        ? [
            [
              b.label,
              page,
              fixed(run.wallMs),
              fixed(run.cpu.pageMain),
              fixed(run.cpu.pageMainWaiting),
              fixed(run.cpu.workers),
              fixed(run.cpu.rendererPool),
              fixed(run.cpu.rendererOther),
              fixed(run.cpu.otherProcesses),
            ],
          ]
        : [],
    ),
  );
  if (rows.length === 0) return [];
  return [
    "### Chromium's CPU while the playground streams, ms by kind of thread (from Linux's /proc; two cores give 2 ms of CPU per ms of wall time)",
    '',
    table(
      [
        'Backend',
        'Run',
        'Wall time',
        'Page main thread',
        'Page main thread waiting for a core (not CPU)',
        'Model worker',
        "Renderer's thread pool (V8 background compile, raster)",
        'Other renderer threads',
        'GPU, browser and other processes',
      ],
      rows,
    ),
    '',
  ];
}

/** The playground's streaming alone, as `npm run bench:stream` prints it. */
export function renderStreaming(label: string, app: StreamingMeasure): string {
  return [
    table(STREAM_HEAD, streamRows(label, app)),
    '',
    ...cpuSection([{ label, app }]),
    ...(app.profile ? profileSection(label, app.profile) : []),
  ].join('\n');
}

function profileSection(label: string, profile: ProfileSummary): string[] {
  return [
    `### Playground main thread while streaming (first run, ${SECONDS_READING} after the model is ready), ${label}: CPU profile (unminified build), busy ${fixed(profile.busyMs)} ms of ${fixed(profile.wallMs)} ms`,
    '',
    `Longest stretch of main-thread work (no pause over 5 ms): ${fixed(profile.longestWorkMs)} ms. Longest time without a profiler sample, while the renderer waited for a core: ${fixed(profile.longestGapMs)} ms.`,
    '',
    table(
      ['Self time, ms', 'Where ("(program)" is native work: style, layout, paint)'],
      profile.top.map((line) => [fixed(line.selfMs, 1), `\`${line.where}\``]),
    ),
    '',
  ];
}
