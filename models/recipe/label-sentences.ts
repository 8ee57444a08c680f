/**
 * Prints the sentences of a hand-label set for a person to label, in the TSV layout that story-labels.ts reads
 * (the label column left as `?`), each with the two sentences before it as context.
 *
 *   npm run model:labels -- dev|heldout [--corpora DIR]
 */
import { labelSentences } from '../../src/tagger/index';
import { corporaRoot, tinyStories } from './corpora';
import { loadTagger } from './load-node';
import {
  readLabels,
  sentenceHash,
  storySentences,
  stratifiedSample,
  wholeStories,
  type LabelSet,
} from './story-labels';

const set = process.argv[2] as LabelSet;
if (set !== 'dev' && set !== 'heldout') throw new Error('usage: npm run model:labels -- dev|heldout');
const stories = tinyStories(corporaRoot());
const weights = loadTagger();
const printStories = !process.argv.includes('--sample-only');
for (const story of printStories ? wholeStories(stories, set) : []) {
  console.log(`# story ${story}`);
  for (const s of storySentences(stories, story))
    console.log([s.story, s.sentence, sentenceHash(s.text), '?', 'story', s.text].join('\t'));
}
console.log('# stratified sample');
const perCell = Number(process.argv[3] ?? 30);
const byStoryTagger = (sentences: { text: string }[], i: number) =>
  labelSentences(
    weights,
    sentences.map((s) => s.text),
    'story',
  )[i].emotion;
const already = new Set(readLabels(stories, set).map((l) => `${l.story}:${l.sentence}`));
for (const s of stratifiedSample(stories, set, [byStoryTagger], perCell)) {
  if (already.has(`${s.story}:${s.sentence}`)) continue;
  const context = storySentences(stories, s.story)
    .slice(Math.max(0, s.sentence - 2), s.sentence)
    .map((c) => c.text)
    .join(' ');
  console.log(`#   ${context}`);
  console.log([s.story, s.sentence, sentenceHash(s.text), '?', 'sample', s.text].join('\t'));
}
