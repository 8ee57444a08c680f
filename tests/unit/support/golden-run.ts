/**
 * One fixed run of the committed model with a ban, an insert and a boost along the way. Its tokens are
 * pinned in `tests/unit/fixtures/golden-run.json` by `npm run golden:update`, which is run on purpose
 * (and the fixture committed) only when the model, the hook or the sampler is meant to change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_NAME } from '../../../models/recipe/paths';
import { DEFAULT_SAMPLING } from '../../../src/steering/sampler';
import type { TimelineEntry } from '../../../src/steering/timeline';
import { encodePrompt, generate, realModel } from './real-model';

export const GOLDEN_FILE = join(import.meta.dirname, '..', 'fixtures', 'golden-run.json');

export const GOLDEN_RUN = {
  prompt: '<story><angry>Max was very angry because his brother broke his red truck.',
  seed: 2024,
  maxNewTokens: 64,
  timeline: [
    { tokenIndex: 3, change: { kind: 'mode', tag: 'angry', mode: 'ban' } },
    { tokenIndex: 20, change: { kind: 'insert', tag: 'sad' } },
    { tokenIndex: 30, change: { kind: 'boost', tag: 'happy', boost: 6 } },
    { tokenIndex: 45, change: { kind: 'reset' } },
  ] satisfies TimelineEntry[],
};

export interface GoldenFile {
  model: string;
  tokens: number[];
  text: string;
}

export async function runGolden(): Promise<GoldenFile> {
  const model = await realModel();
  const steps = await generate(model, {
    promptIds: encodePrompt(model, GOLDEN_RUN.prompt),
    seed: GOLDEN_RUN.seed,
    sampling: DEFAULT_SAMPLING,
    maxNewTokens: GOLDEN_RUN.maxNewTokens,
    initialPolicy: {},
    timeline: GOLDEN_RUN.timeline,
  });
  const tokens = steps.map((s) => s.token);
  return { model: MODEL_NAME, tokens, text: model.tokenizer.decode(tokens) };
}

if (process.argv[1] === import.meta.filename) {
  const golden = await runGolden();
  writeFileSync(GOLDEN_FILE, JSON.stringify(golden, null, 2) + '\n');
  console.log(`${GOLDEN_FILE}: ${golden.tokens.length} tokens of ${golden.model}\n${golden.text}`);
}
