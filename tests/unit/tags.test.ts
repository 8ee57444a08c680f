import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_DIR } from '../../models/recipe/paths';
import { Generation } from '../../src/steering/engine';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { allTags, sentenceTags, tagGroups, type VocabularyFile } from '../../src/steering/tags';
import { cutAtTags, promptPieces } from '../../src/transcript/cut-at-tags';
import { EMOTIONS, GENRES, RUDE } from '../../src/tagger/labels';
import { VOCAB_SIZE } from './support/fake-vocabulary';
import { HashModel } from './support/hash-model';

/** Another model's tokenizer: a new genre `<tale>`, no `<disgusted>`, and a tag no vocabulary lists. */
const OTHER_TOKENS = [
  '<|endoftext|>',
  '<story>',
  '<tale>',
  '<happy>',
  '<sad>',
  '<angry>',
  '<neutral>',
  '<rude>',
  '<poem>',
];
const OTHER_VOCABULARY: VocabularyFile = {
  groups: [
    {
      name: 'emotion',
      opens: 'sentence',
      tags: ['happy', 'sad', 'angry', 'disgusted', 'neutral'].map((name) => ({ name, colour: '#123456' })),
    },
    { name: 'genre', opens: 'document', tags: [{ name: 'story' }, { name: 'tale' }] },
    { name: 'rude', slotAfter: 'emotion', tags: [{ name: 'rude' }] },
  ],
};
const added = (contents: string[]) => contents.map((content, id) => ({ id, content }));

describe('tag groups from the model’s vocabulary', () => {
  it('groups, orders and colours tags as the vocabulary says, leaving out tags the tokenizer lacks', () => {
    const groups = tagGroups(added(OTHER_TOKENS), OTHER_VOCABULARY);
    expect(groups.map((g) => [g.name, g.tags.map((t) => t.name)])).toEqual([
      ['emotion', ['happy', 'sad', 'angry', 'neutral']],
      ['genre', ['story', 'tale']],
      ['rude', ['rude']],
      ['poem', ['poem']],
    ]);
    expect(groups[0].tags[0]).toEqual({ name: 'happy', id: 3, colour: '#123456' });
    expect(sentenceTags(groups)).toEqual({ opening: ['happy', 'sad', 'angry', 'neutral'], flag: 'rude' });
  });

  it('without a vocabulary, makes each of the tokenizer’s tags a group of its own', () => {
    const groups = tagGroups(added(OTHER_TOKENS));
    expect(groups.map((g) => g.tags.map((t) => t.name))).toEqual(
      ['story', 'tale', 'happy', 'sad', 'angry', 'neutral', 'rude', 'poem'].map((t) => [t]),
    );
    expect(sentenceTags(groups)).toEqual({ opening: [], flag: null });
  });

  it('refuses a file that is not a vocabulary', () => {
    expect(() => tagGroups(added(OTHER_TOKENS), { tags: ['happy'] })).toThrow(/not a tag vocabulary/);
  });

  it('steers and cuts the new genre and the smaller emotion group with no change of code', async () => {
    const groups = tagGroups(added(OTHER_TOKENS), OTHER_VOCABULARY);
    const tale = 2;
    const generation = new Generation(new HashModel(), groups, {
      promptIds: [tale, 3, 12],
      seed: 5,
      sampling: DEFAULT_SAMPLING,
      maxNewTokens: 200,
      initialPolicy: { tale: { mode: 'force', boost: 0 }, happy: { mode: 'ban', boost: 0 } },
    });
    const tokens: number[] = [];
    for (let step = await generation.step(); step; step = await generation.step()) tokens.push(step.token);
    expect(tokens).not.toContain(1);
    expect(tokens).not.toContain(3);
    expect(allTags(groups)).toHaveLength(9 - 1);

    const pieces = promptPieces('<tale><sad>It rained.<rude>No.<neutral>Fine<poem>x<angry><rude>Grr', ['tale', 'sad']);
    expect(pieces[0]).toEqual({ tag: 'tale', text: '<tale>', index: -1 });
    const generated = [
      { tag: 'sad', text: '<sad>' },
      { tag: null, text: 'It rained.' },
      { tag: 'rude', text: '<rude>' },
      { tag: null, text: ' No.' },
      { tag: 'neutral', text: '<neutral>' },
      { tag: null, text: ' Fine' },
      { tag: 'poem', text: '<poem>' },
      { tag: null, text: ' x' },
      { tag: 'angry', text: '<angry>' },
      { tag: 'rude', text: '<rude>' },
      { tag: null, text: ' Grr' },
    ].map((p, index) => ({ ...p, index }));
    expect(
      cutAtTags(generated, sentenceTags(groups), false).map((s) => [s.tag, s.flagged, s.text, s.indices, s.complete]),
    ).toEqual([
      ['sad', false, 'It rained. No.', [1, 3], true],
      ['neutral', false, ' Fine', [5], true],
      ['angry', true, ' Grr', [10], false],
    ]);
  });
});

describe('the shipped model’s tagplay.json', () => {
  it('lists exactly the tokenizer’s tags, grouped as the recipe groups them', () => {
    const file = JSON.parse(readFileSync(join(MODEL_DIR, 'tagplay.json'), 'utf8')) as VocabularyFile;
    const tokenizer = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer.json'), 'utf8')) as {
      added_tokens: { id: number; content: string }[];
    };
    const groups = tagGroups(tokenizer.added_tokens, file);
    expect(groups.map((g) => g.name)).toEqual(['emotion', 'genre', 'rude']);
    expect(allTags(groups)).toHaveLength(tokenizer.added_tokens.length - 1);
    expect(allTags(groups).every((t) => /^#[0-9A-F]{6}$/i.test(t.colour ?? ''))).toBe(true);
    const added = new Set(tokenizer.added_tokens.map((t) => t.content));
    const recipe = [EMOTIONS, GENRES, [RUDE]].map((names) => names.filter((name) => added.has(`<${name}>`)));
    expect(file.groups.map((g) => g.tags.map((t) => t.name))).toEqual(recipe);
    expect(VOCAB_SIZE).toBeGreaterThan(allTags(groups).length);
  });
});
