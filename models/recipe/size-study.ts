/**
 * Summarises the runs of `train-gpu.sh` (its logs, brought back from the GPU machine) into the model folder's
 * size-study.json: each configuration's parameters, corpus, best held-out figures and where its held-out loss turned.
 *
 *   npm run model:size-study -- DIR [DIR …]      folders holding the runs' .log files
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_DIR } from './paths';

interface Entry {
  step: number;
  loss?: number;
  tokens_per_s?: number;
  bpb_story?: number;
  [key: string]: number | undefined;
}

const runs = process.argv.slice(2).flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => {
      const lines = readFileSync(join(dir, f), 'utf8').split('\n');
      const header = lines.find((l) => l.includes('parameters,')) ?? '';
      const entries: Entry[] = lines.filter((l) => l.startsWith('{"step"')).map((l) => JSON.parse(l.split(' eta')[0]));
      const best = JSON.parse(lines.find((l) => l.startsWith('{"best"')) ?? '{"best":null}').best;
      const evaluated = entries.filter((e) => e.bpb_story !== undefined);
      const rates = entries.map((e) => e.tokens_per_s ?? 0).filter((r) => r > 0);
      return {
        run: f.replace(/\.log$/, ''),
        parameters: Number(header.split(' ')[0].replace(/,/g, '')),
        trainingTokens: Number(header.split(', ')[1]?.split(' ')[0].replace(/,/g, '')),
        best,
        lastEvaluated: evaluated.at(-1),
        medianTokensPerSecond: rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)],
        heldOutStoryBitsPerByte: evaluated.map((e) => [e.step, e.bpb_story]),
      };
    }),
);
const out = { command: `npm run model:size-study -- ${process.argv.slice(2).join(' ')}`, runs };
writeFileSync(join(MODEL_DIR, 'size-study.json'), JSON.stringify(out, null, 1) + '\n');
for (const r of runs) console.log(r.run, r.parameters, r.best?.step, r.best?.bpb_story);
