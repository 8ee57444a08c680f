import type { Emotion } from './labels';
import { words } from './features';

/**
 * Unambiguous emotion words, used as an override on top of the Reddit-trained classifier, which
 * transfers poorly to children's stories ("Tom was very angry" must be angry, whatever Reddit says).
 * A sentence whose cue words all belong to one emotion, and are not negated, gets that emotion.
 */
const CUES: Record<Exclude<Emotion, 'neutral'>, RegExp> = {
  happy:
    /^(happy|happily|happier|happiest|happiness|glad|joy|joyful|joyfully|delighted|cheerful|cheered|smiled|smiling|smile|smiles|grinned|laughed|laughing|laugh|giggled|giggling|excited|thrilled|proud|love|loved|loves|wonderful|yay|hooray|fun)$/,
  sad: /^(sad|sadly|sadder|sadness|unhappy|cried|cry|cries|crying|tears|tear|sob|sobbed|sobbing|upset|lonely|miserable|heartbroken|sorry|gloomy|wept|weep|frown|frowned|missed)$/,
  angry:
    /^(angry|angrily|angrier|anger|mad|furious|annoyed|grumpy|cross|yelled|yell|yelling|shouted|shout|shouting|scolded|rage|hate|hated|frustrated|stomped|grumbled)$/,
  scared:
    /^(scared|scary|afraid|fear|feared|frightened|frightening|terrified|nervous|worried|worry|worries|shivered|trembled|trembling|panic|panicked|danger|dangerous|scream|screamed|screaming)$/,
  surprised:
    /^(surprised|surprise|surprising|amazed|amazing|astonished|shocked|wow|whoa|gasped|gasp|unexpected|suddenly|stunned)$/,
  disgusted:
    /^(disgusted|disgusting|disgust|yuck|yucky|gross|eww|ew|icky|smelly|stinky|stink|stank|nasty|rotten|slimy|filthy|revolting)$/,
};
const NEGATORS =
  /^(not|no|never|wasn't|isn't|weren't|aren't|don't|didn't|won't|can't|couldn't|nothing|without|stop|stopped)$/;

/** The single emotion named by the sentence's cue words, or null when there is none or several. */
export function cueEmotion(text: string): Emotion | null {
  const w = words(text);
  const found = new Set<Emotion>();
  w.forEach((word, i) => {
    for (const [emotion, re] of Object.entries(CUES) as [Emotion, RegExp][]) {
      if (!re.test(word)) continue;
      const negated = w.slice(Math.max(0, i - 3), i).some((prev) => NEGATORS.test(prev));
      if (!negated) found.add(emotion);
    }
  });
  return found.size === 1 ? [...found][0] : null;
}
