import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_DIR } from '../../models/recipe/paths';
import { cueEmotion } from '../../src/tagger/cues';
import { labelSentence, splitSentences } from '../../src/tagger/index';
import { isRude } from '../../src/tagger/rude';
import { parseEmotionWeights } from '../../src/tagger/weights-file';

describe('splitSentences', () => {
  it.each([
    'Once upon a time there was a cat. The cat was happy!  Then it rained?\nThe end.',
    '  Leading space. Trailing space.   ',
    '"Hello," said Tom. "Hi!" said Sue.\n\nNew paragraph…',
    'no punctuation at all',
  ])('joins back to the input exactly: %j', (text) => {
    expect(splitSentences(text).join('')).toBe(text);
  });

  it('finds each sentence', () => {
    expect(splitSentences('Tom ran. Sue sat! Why?')).toEqual(['Tom ran.', ' Sue sat!', ' Why?']);
  });

  it('joins back to any text with something besides whitespace in it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => s.trim() !== ''),
        (text) => {
          expect(splitSentences(text).join('')).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('cueEmotion', () => {
  it.each([
    ['Tom was scared of the dark.', 'scared'],
    ['She was so happy.', 'happy'],
    ['He yelled at the dog.', 'angry'],
    ['The soup was yucky.', 'disgusted'],
  ])('names the emotion of %j', (text, emotion) => {
    expect(cueEmotion(text)).toBe(emotion);
  });

  it.each(['Tom was not scared.', "She wasn't sad at all.", 'He was never angry.'])('reads %j as negated', (text) => {
    expect(cueEmotion(text)).toBeNull();
  });

  it('gives no emotion when the cues disagree, or there are none', () => {
    expect(cueEmotion('She was happy but also sad.')).toBeNull();
    expect(cueEmotion('The cat sat on the mat.')).toBeNull();
  });
});

describe('isRude', () => {
  it.each(['What the fuck is this?', 'This is shit.', 'You are an idiot.', 'Shut up, loser!', 'what a load of sh1t'])(
    'flags %j',
    (text) => {
      expect(isRude(text)).toBe(true);
    },
  );

  it.each([
    'The cat sat on the mat.',
    'She passed the class with ease.',
    'Scunthorpe is a town.',
    'They had a wonderful day at the park.',
  ])('leaves %j alone', (text) => {
    expect(isRude(text)).toBe(false);
  });
});

describe('labelSentence with the shipped tagger weights', () => {
  const weights = parseEmotionWeights(JSON.parse(readFileSync(join(MODEL_DIR, 'tagger.json'), 'utf8')));

  it.each([
    ['Tom was very angry.', 'angry'],
    ['She was so happy.', 'happy'],
    ['The little girl cried and cried.', 'sad'],
    ['Lily was terrified of the big dog.', 'scared'],
  ])('labels %j as %s', (text, emotion) => {
    expect(labelSentence(weights, text)).toEqual({ emotion, rude: false });
  });

  it('flags a rude sentence', () => {
    expect(labelSentence(weights, 'You stupid idiot, get out!').rude).toBe(true);
  });
});
