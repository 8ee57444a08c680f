import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

// obscenity's curated English dataset handles leetspeak and look-alike characters better than a hand-typed list.
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
/** Insults the profanity dataset does not cover (it lists swear words, not name-calling). */
const INSULTS = /\b(idiot|idiots|stupid|moron|morons|dumb|loser|losers|shut up|jerk|jerks|pathetic|ugly|fool|fools)\b/i;

export function isRude(text: string): boolean {
  return matcher.hasMatch(text) || INSULTS.test(text);
}
