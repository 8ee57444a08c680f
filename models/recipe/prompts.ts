import type { Emotion } from '../../src/tagger/labels';

/** Story openings (our own text) whose first sentence carries the emotion, for the ban-efficacy runs. */
export const INVITING_PROMPTS: Record<Emotion, string> = {
  happy: '<story><happy>Lily was so happy because it was her birthday and all her friends came to play.',
  sad: '<story><sad>Tom was very sad because his little dog was lost and he missed him very much.',
  angry: '<story><angry>Max was very angry because his brother broke his favourite red truck.',
  scared: '<story><scared>Mia was scared of the dark forest and the loud noises behind the trees.',
  surprised: '<story><surprised>Ben was so surprised when he opened the box and saw a tiny puppy inside.',
  disgusted: '<story><disgusted>Sue looked at the smelly, slimy soup and said, "Yuck, that is disgusting!"',
  neutral: '<story><neutral>Once upon a time, there was a little boy named Sam who lived in a small house.',
};
