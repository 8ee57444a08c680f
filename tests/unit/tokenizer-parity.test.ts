import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaRoot, goEmotionsEkman, tinyStories } from '../../models/recipe/corpora';
import { AutoTokenizer } from '@huggingface/transformers';
import { loadTagger, useLocalModels } from '../../models/recipe/load-node';
import { MODEL_NAME } from '../../models/recipe/paths';
import { labelText, taggedSentence } from '../../src/tagger/index';

interface FixtureRow {
  genre: 'story' | 'comment';
  doc: number;
  sentence: number;
  ids: number[];
}

// The recipe's Python tokenizer wrote these ids; the texts are rebuilt from ../shared/corpora so none is committed.
const fixture: FixtureRow[] = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../models/recipe/fixtures/tokenizer-ids.json'), 'utf8'),
);

describe('tokenizer parity: transformers.js vs the recipe tokenizer', () => {
  it('produces identical ids for every held-out sentence of the fixture', async () => {
    expect(fixture.length).toBeGreaterThanOrEqual(1000);
    const root = corporaRoot([]);
    const stories = tinyStories(root);
    const comments = goEmotionsEkman(root, 'train');
    const weights = loadTagger();
    useLocalModels();
    const tokenizer = await AutoTokenizer.from_pretrained(MODEL_NAME, { local_files_only: true });
    const mismatches: string[] = [];
    for (const row of fixture) {
      const doc = row.genre === 'story' ? stories[row.doc] : comments[row.doc].text.trim();
      const { sentence, label } = labelText(weights, doc, row.genre)[row.sentence];
      const ids = tokenizer.encode(taggedSentence(label, sentence));
      if (JSON.stringify(ids) !== JSON.stringify(row.ids)) mismatches.push(`${row.genre} ${row.doc}:${row.sentence}`);
    }
    expect(mismatches).toEqual([]);
  });
});
