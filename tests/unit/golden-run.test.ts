import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILE, runGolden, type GoldenFile } from './support/golden-run';

// Regenerate on purpose with `npm run golden:update` when the model, the hook or the sampler changes.
describe('the committed model with a ban, an insert and a boost', () => {
  it('writes exactly the pinned tokens', async () => {
    const pinned = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenFile;
    const golden = await runGolden();
    expect(golden.model, 'the pin was made with this model').toBe(pinned.model);
    expect(golden.tokens).toEqual(pinned.tokens);
    expect(golden.text).toBe(pinned.text);
  });
});
