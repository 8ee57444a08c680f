/**
 * `npx tsx tests/e2e/harness/webgpu-budget.ts`: finds a seed for the WebGPU suite's short runs (webgpu.e2e.ts),
 * on the committed model in Node, the browser's generation path. WebGPU on SwiftShader writes a few tokens a
 * second, so its runs are 12 tokens with the change after 2, and each must still sample a sentence start
 * after the change: the ban run, the force run (with the tag inserted at token 2 or 3) and the boost run,
 * where at least 80 % of those starts must be the boosted tag. Run it again when the model or sampler changes.
 */
import { loadNodeModel, readTagGroups } from '../../../models/recipe/load-node';
import { Generation, type Step } from '../../../src/steering/engine';
import type { PolicyChange } from '../../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../../src/steering/sampler';
import { allTags, sentenceTags } from '../../../src/steering/tags';
import type { TimelineEntry } from '../../../src/steering/timeline';

const TOKENS = 12;
const CHANGE_AFTER = 2;
const PROMPTS = { ban: '<story><angry>Tom was very angry', steer: '<story><happy>Sam was happy' };

const model = await loadNodeModel(1);
const groups = readTagGroups();
const nameOf = new Map(allTags(groups).map((t) => [t.id, t.name]));
const opening = new Set(sentenceTags(groups).opening);
const at = (change: PolicyChange, tokenIndex = CHANGE_AFTER): TimelineEntry => ({ tokenIndex, change });

async function starts(prompt: string, seed: number, timeline: TimelineEntry[]): Promise<string[]> {
  const run = new Generation(model.lm, model.groups, {
    promptIds: model.tokenizer.encode(prompt, { add_special_tokens: false }),
    seed,
    sampling: DEFAULT_SAMPLING,
    maxNewTokens: TOKENS,
    initialPolicy: {},
    timeline,
  });
  const steps: Step[] = [];
  for (let step = await run.step(); step; step = await run.step()) steps.push(step);
  return steps
    .filter((s) => s.index >= CHANGE_AFTER && !s.inserted && opening.has(nameOf.get(s.token) ?? ''))
    .map((s) => nameOf.get(s.token)!);
}

for (let seed = 1; seed <= 2000; seed++) {
  const banned = await starts(PROMPTS.ban, seed, [at({ kind: 'mode', tag: 'angry', mode: 'ban' })]);
  if (banned.length === 0) continue;
  let forcedOk = true;
  for (const insertAt of [CHANGE_AFTER, CHANGE_AFTER + 1]) {
    const forced = await starts(PROMPTS.steer, seed, [
      at({ kind: 'mode', tag: 'angry', mode: 'force' }),
      at({ kind: 'insert', tag: 'angry' }, insertAt),
    ]);
    forcedOk &&= forced.length > 0;
  }
  if (!forcedOk) continue;
  const boosted = await starts(PROMPTS.steer, seed, [at({ kind: 'boost', tag: 'angry', boost: 10 })]);
  if (boosted.length === 0 || boosted.filter((t) => t === 'angry').length < Math.ceil(boosted.length * 0.8)) continue;
  console.log(`seed ${seed}: after the change, ban ${banned.join(' ')}; boost ${boosted.join(' ')}`);
  process.exit(0);
}
console.log('no seed up to 2000 gives a sentence start in every run');
process.exit(1);
