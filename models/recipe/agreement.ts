/**
 * `npm run model:agreement`: the model as a classifier of its own tags. Over the held-out stories it reads
 * each story tagged by the tagger, exactly as the playground's "Inspect a text" does, and compares the tag
 * it expected at each sentence start with the tagger's. Writes `agreement.json` into the model folder.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agreementOf } from '../../src/inspect/agreement';
import { inspectModel, inspectText } from '../../src/inspect/inspect';
import { corporaRoot, isHeldOut, tinyStories } from './corpora';
import { loadNodeModel, loadTagger } from './load-node';
import { MODEL_DIR, MODEL_NAME } from './paths';

const stories = tinyStories(corporaRoot()).filter(isHeldOut);
const tagger = loadTagger();
const loaded = await loadNodeModel();
const model = inspectModel(loaded, (id) => loaded.tokenizer.decode([id]));
const forecasts = [];
let tags: string[] = [];
const t0 = Date.now();
for (const [i, story] of stories.entries()) {
  const result = await inspectText(story, tagger, model);
  tags = result.tags;
  forecasts.push(...result.sentences.map((s) => ({ position: 0, actual: s.tagger, probabilities: s.probabilities })));
  if ((i + 1) % 50 === 0) console.log(`${i + 1}/${stories.length} stories, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
const agreement = agreementOf(forecasts, tags);
const percent = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
console.log(`${MODEL_NAME}: ${agreement.sentences} sentences of ${stories.length} held-out stories`);
console.log(`agreement ${percent(agreement.agreement)}, expected calibration error ${agreement.ece?.toFixed(3)}`);
console.log('tag        support  precision  recall  F1');
for (const t of agreement.perTag)
  console.log(
    `${t.tag.padEnd(10)} ${String(t.support).padStart(7)}  ${percent(t.precision).padStart(9)}  ${percent(t.recall).padStart(6)}  ${t.f1?.toFixed(3) ?? 'n/a'}`,
  );
const out = join(MODEL_DIR, 'agreement.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      command: 'npm run model:agreement',
      data: `${stories.length} held-out TinyStories (the corpus split's held-out hash), tagged by the shipped tagger`,
      ...agreement,
    },
    null,
    1,
  ) + '\n',
);
console.log(`wrote ${out}`);
