import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_DIR } from '../../models/recipe/paths';
import { cueEmotion } from '../../src/tagger/cues';
import { labelSentence, labelSentences, splitSentences } from '../../src/tagger/index';
import { isRude } from '../../src/tagger/rude';
import { parseTagger } from '../../src/tagger/weights-file';

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

  it('names the rarer emotion when the cues disagree, and none when there are none', () => {
    expect(cueEmotion('She was happy but also sad.')).toBe('sad');
    expect(cueEmotion('Lily was scared and sad.')).toBe('scared');
    expect(cueEmotion('The cat sat on the mat.')).toBeNull();
  });

  it.each([
    'Tom and Sue cross the road.',
    'Suddenly, a bird flew by.',
    'The branch snapped.',
    'Can you help me find it?',
  ])('reads no emotion into the ambiguous words of %j', (text) => {
    expect(cueEmotion(text)).toBeNull();
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

describe('the tagger with the shipped settings', () => {
  const tagger = parseTagger(JSON.parse(readFileSync(join(MODEL_DIR, 'tagger.json'), 'utf8')));

  it.each([
    ['Tom was very angry.', 'angry'],
    ['She was so happy.', 'happy'],
    ['The little girl cried and cried.', 'sad'],
    ['Lily was terrified of the big dog.', 'scared'],
  ])('labels %j as %s', (text, emotion) => {
    expect(labelSentence(tagger, text)).toEqual({ emotion, rude: false });
  });

  it('flags a rude sentence', () => {
    expect(labelSentence(tagger, 'You stupid idiot, get out!').rude).toBe(true);
  });

  it('carries an angry episode over the sentences that follow it, until the story moves on', () => {
    const story = ['Tom was angry.', 'He kicked the box across the room.', 'The next day, the sun came up.'];
    expect(tagger.story.carry.angry).toBeGreaterThan(0);
    expect(labelSentences(tagger, story, 'story').map((l) => l.emotion)).toEqual(['angry', 'angry', 'neutral']);
  });

  it('labels a sentence alone without the episode, and an episode only forward', () => {
    expect(labelSentence(tagger, 'He kicked the box across the room.').emotion).toBe('neutral');
    const before = labelSentences(tagger, ['He kicked the box across the room.', 'Tom was angry.'], 'story');
    expect(before[0].emotion).toBe('neutral');
  });

  it('carries no episode in comments', () => {
    const labels = labelSentences(tagger, ['I am so angry.', 'The bus was late again today.'], 'comment');
    expect(labels[1].emotion).not.toBe('angry');
  });
});
