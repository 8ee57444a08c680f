import type { Emotion } from '../../src/tagger/labels';

/**
 * Story openings of three sentences that carry the emotion (our own text), tagged as the tagger tags them, for the
 * ban-efficacy runs: how much of what follows keeps the emotion, freely and with its tag banned.
 */
export const OPENINGS: Record<Exclude<Emotion, 'neutral'>, string> = {
  happy:
    '<story><happy>Lily was so happy because it was her birthday.<happy> She laughed and clapped her hands.<happy> All her friends came to play with her.',
  sad: '<story><sad>Tom was very sad because his little dog was lost.<sad> He sat on the steps and cried.<sad> He missed his dog very much.',
  angry:
    '<story><angry>Max was very angry because his brother broke his red truck.<angry> He stomped his feet and yelled.<angry> "You broke it on purpose!"',
  scared:
    "<story><scared>Mia was scared of the dark forest.<scared> She heard a loud noise behind the trees.<scared> She shivered and held her mom's hand tight.",
  surprised:
    '<story><surprised>Ben was so surprised when he opened the box.<surprised> "Wow!"<surprised> Inside was a tiny puppy with a big red bow.',
  disgusted:
    '<story><disgusted>Sue looked at the slimy green soup.<disgusted> "Yuck!"<disgusted> It was gross and she made a face.',
};

/** The playground's example where someone has a reason to be angry; the model card says how often banning `<angry>` there tempts the model. */
export const ANGRY_EXAMPLE = '<story><angry>Max was very angry because his brother broke his red truck.';
