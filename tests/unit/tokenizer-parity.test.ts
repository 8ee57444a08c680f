import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutoTokenizer } from '@huggingface/transformers';
import { useLocalModels } from '../../models/recipe/load-node';
import { MODEL_NAME } from '../../models/recipe/paths';

interface FixtureRow {
  genre: 'story' | 'comment';
  text: string;
  ids: number[];
}

// Held-out tagged sentences with the ids the recipe's Python tokenizer gave them (`npm run model:tokenizer`);
// the texts are committed beside it under their licences (fixtures/NOTICE), so no corpora are needed here.
const fixture: FixtureRow[] = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../models/recipe/fixtures/tokenizer-ids.json'), 'utf8'),
);

describe('tokenizer parity: transformers.js vs the recipe tokenizer', () => {
  it('produces identical ids for every held-out sentence of the fixture', async () => {
    expect(fixture.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(fixture.map((row) => row.genre))).toEqual(new Set(['story', 'comment']));
    useLocalModels();
    const tokenizer = await AutoTokenizer.from_pretrained(MODEL_NAME, { local_files_only: true });
    const mismatches = fixture.filter((row) => JSON.stringify(tokenizer.encode(row.text)) !== JSON.stringify(row.ids));
    expect(mismatches.map((row) => row.text)).toEqual([]);
  });
});
