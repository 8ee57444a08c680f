/**
 * The tagger on the model's own output: sentences generated under several policies, labelled by hand without the
 * policy or the tagger's label in view, then compared with the sentence-local tagger.
 *
 *   npm run model:output-labels -- --draw     generate and write labels/model-output.tsv with the label column as `?`
 *   npm run model:output-labels               score the hand labels: writes tagger-on-model-output.json
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../../src/steering/policy';
import { labelSentence } from '../../src/tagger/index';
import { EMOTIONS, type Emotion } from '../../src/tagger/labels';
import { createRandom } from '../../src/steering/random';
import { generateSamples } from './control';
import { loadNodeModel, loadTagger } from './load-node';
import { precisionRecall } from './metrics';
import { OPENINGS } from './prompts';
import { MODEL_DIR } from './paths';
import { shuffle } from './shuffle';

const FILE = join(import.meta.dirname, 'labels', 'model-output.tsv');
const SENTENCES = 100;

const tagger = loadTagger();
if (process.argv.includes('--draw')) {
  const model = await loadNodeModel();
  const conditions: [string, Policy][] = [
    ['<story>', {}],
    ...EMOTIONS.filter((e) => e !== 'neutral').map((e): [string, Policy] => [
      '<story>',
      { [e]: { mode: 'force', boost: 0 } },
    ]),
    [OPENINGS.angry, {}],
    [OPENINGS.angry, { angry: { mode: 'ban', boost: 0 } }],
  ];
  const drawn: { policy: string; text: string }[] = [];
  for (const [prompt, policy] of conditions) {
    const samples = await generateSamples(model, tagger, { prompt, policy, samples: 3, tokens: 100, firstSeed: 1001 });
    for (const s of samples)
      for (const x of s.sentences)
        drawn.push({ policy: `${prompt.slice(0, 30)} ${JSON.stringify(policy)}`, text: x.text });
  }
  const chosen = shuffle(drawn, createRandom(7)).slice(0, SENTENCES);
  const rows = chosen.map((d, i) => [i, '?', d.policy, d.text.replace(/\s+/g, ' ')].join('\t'));
  writeFileSync(FILE, ['# id, hand label, policy (hidden while labelling), sentence', ...rows].join('\n') + '\n');
  console.log(`wrote ${chosen.length} sentences to ${FILE}`);
} else {
  if (!existsSync(FILE)) throw new Error(`${FILE} is missing: run with --draw first, then label it`);
  const rows = readFileSync(FILE, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  const gold = rows.map((r) => r[1] as Emotion);
  if (gold.some((g) => !EMOTIONS.includes(g))) throw new Error('every sentence needs a hand label first');
  const predicted = rows.map((r) => labelSentence(tagger, r[3], 'story').emotion);
  const report = { command: 'npm run model:output-labels', n: rows.length, ...precisionRecall(gold, predicted) };
  writeFileSync(join(MODEL_DIR, 'tagger-on-model-output.json'), JSON.stringify(report, null, 1) + '\n');
  console.log(JSON.stringify(report));
}
