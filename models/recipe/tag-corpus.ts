/**
 * Builds the tagged corpus: every sentence of every TinyStories story and GoEmotions train comment (and, with
 * --tales, every public-domain tale as a third genre), prefixed by its tags, each document opened by its genre tag
 * and closed by <|endoftext|>. A validation split is held out by document. Training documents with rare tags are
 * repeated so the model sees enough angry, scared or disgusted sentences to learn what those tags mean.
 * Also writes the special tokens in their order, for the tokenizer.
 *
 *   npm run model:corpus [-- --corpora DIR] [--tales] [--out DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelText, taggedSentence } from '../../src/tagger/index';
import { END_OF_TEXT, EMOTIONS, RUDE, tagToken, type Genre } from '../../src/tagger/labels';
import { corporaRoot, goEmotionsEkman, isHeldOut, tales, tinyStories } from './corpora';
import { loadTagger } from './load-node';
import { BUILD_DIR } from './paths';

const MAX_REPEAT = 6;

const weights = loadTagger();

interface TaggedDoc {
  genre: Genre;
  index: number;
  text: string;
  tagged: string;
  tags: string[];
  sentences: string[];
}

function tagDocument(genre: Genre, text: string, index: number): TaggedDoc {
  const tags: string[] = [];
  const body = labelText(weights, text, genre).map(({ sentence, label }) => {
    tags.push(label.emotion);
    if (label.rude) tags.push(RUDE);
    return taggedSentence(label, sentence);
  });
  return { genre, index, text, tagged: tagToken(genre) + body.join('') + END_OF_TEXT, tags, sentences: body };
}

const root = corporaRoot();
const withTales = process.argv.includes('--tales');
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex >= 0 ? process.argv[outIndex + 1] : join(BUILD_DIR, 'corpus');
const genres: Genre[] = withTales ? ['story', 'comment', 'tale'] : ['story', 'comment'];
const t0 = Date.now();
const docs = [
  ...tinyStories(root).map((t, i) => tagDocument('story', t, i)),
  ...goEmotionsEkman(root, 'train').map((c, i) => tagDocument('comment', c.text.trim(), i)),
  ...(withTales ? tales(root).map((t, i) => tagDocument('tale', t, i)) : []),
];
const count = (list: TaggedDoc[], weightOf: (d: TaggedDoc) => number = () => 1) => {
  const c: Record<string, number> = Object.fromEntries([...EMOTIONS, RUDE].map((t) => [t, 0]));
  for (const d of list) for (const t of d.tags) c[t] += weightOf(d);
  return c;
};
const train = docs.filter((d) => !isHeldOut(d.text));
const valid = docs.filter((d) => isHeldOut(d.text));
const base = count(train.filter((d) => d.genre === 'story'));
const storySentences = Object.values(base).reduce((a, b) => a + b, 0) - base[RUDE];
// A story is repeated by how rare its rarest emotion is in stories, capped, so rare tags get more examples.
const repeatOf = (d: TaggedDoc) =>
  d.genre === 'comment'
    ? 1
    : Math.min(
        MAX_REPEAT,
        Math.max(
          1,
          ...d.tags
            .filter((t) => t !== RUDE)
            .map((t) => Math.round(Math.sqrt((0.25 * storySentences) / Math.max(1, base[t])))),
        ),
      );

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'train.txt'), train.flatMap((d) => Array(repeatOf(d)).fill(d.tagged)).join('\n'));
for (const genre of genres) {
  const v = valid.filter((d) => d.genre === genre);
  writeFileSync(join(OUT, `valid-${genre}.txt`), v.map((d) => d.tagged).join('\n'));
  writeFileSync(join(OUT, `valid-${genre}.bytes`), String(v.reduce((n, d) => n + Buffer.byteLength(d.text), 0)));
}
const specials = [END_OF_TEXT, ...genres, ...EMOTIONS, RUDE].map((t) => (t === END_OF_TEXT ? t : tagToken(t)));
writeFileSync(join(OUT, 'specials.json'), JSON.stringify(specials));
// Held-out tagged sentences for the tokenizer parity fixture, located by position so that no corpus text is committed.
writeFileSync(
  join(OUT, 'heldout-sentences.jsonl'),
  valid
    .flatMap((d) =>
      d.sentences.map((text, sentence) => JSON.stringify({ genre: d.genre, doc: d.index, sentence, text })),
    )
    .slice(0, 1500)
    .join('\n'),
);
const stats = {
  documents: {
    train: train.length,
    valid: valid.length,
    ...Object.fromEntries(genres.map((g) => [g, docs.filter((d) => d.genre === g).length])),
  },
  tagCounts: count(docs),
  trainTagCountsAfterRepeats: count(train, repeatOf),
  seconds: (Date.now() - t0) / 1000,
};
// The stats travel with the model (export.py copies them into its folder); the corpus itself is never committed.
writeFileSync(join(OUT, 'corpus.json'), JSON.stringify({ command: 'npm run model:corpus', ...stats }, null, 2) + '\n');
console.log(JSON.stringify(stats, null, 2));
