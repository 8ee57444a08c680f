import type { Emotion } from './labels';
import { words } from './features';

type Cued = Exclude<Emotion, 'neutral'>;

/**
 * Words that name an emotion or the behaviour of someone under it, chosen for precision on children's stories
 * (hand-labelled TinyStories, see models/recipe/labels/). Ambiguous words are left out on purpose: "cross"
 * (the road), "suddenly" (any event), "cried" alone (often means "called out"), "mean" (a character's nature).
 */
const CUES: Record<Cued, RegExp> = {
  happy:
    /^(happy|happily|happier|happiest|happiness|glad|joy|joyful|joyfully|delighted|cheerful|cheered|cheering|smiled|smiling|smile|smiles|grinned|grinning|laughed|laughing|laugh|laughs|giggled|giggling|giggle|excited|excitedly|thrilled|proud|hooray|yay|hurray|grateful|enjoyed|enjoying|clapped|pleased|love|loved|loves)$/,
  sad: /^(sad|sadly|sadder|saddest|sadness|unhappy|crying|tears|tearful|sob|sobbed|sobbing|lonely|miserable|heartbroken|gloomy|wept|weep|weeping|sniffled|disappointed|sorrow|sorrowful)$/,
  angry:
    /^(angry|angrily|angrier|anger|mad|furious|furiously|annoyed|grumpy|cranky|yelled|yelling|yell|yells|scolded|scold|rage|raged|hate|hated|frustrated|stomped|stomping|grumbled|grumbling|glared|glaring|growled|huffed|argued|arguing|fought|fighting|quarrel|quarrelled|quarreled)$/,
  scared:
    /^(scared|scary|afraid|fear|feared|fearful|frightened|frightening|terrified|terrifying|nervous|nervously|worried|worry|worrying|shivered|shivering|trembled|trembling|panic|panicked|screamed|screaming|scream)$/,
  surprised: /^(surprised|surprise|surprising|amazed|astonished|shocked|wow|whoa|gasped|gasp|stunned|startled)$/,
  disgusted: /^(disgusted|disgusting|disgust|yuck|yucky|gross|eww|ew|icky|stinky|slimy|nasty|revolting)$/,
};

/** A few multi-word cues, checked on the lower-cased sentence. */
const PHRASES: [Cued, RegExp][] = [
  [
    'happy',
    /\b((had|have|having|has) (so much |a lot of |lots of )?fun|so much fun|best day|thank you|feel(s|ing)? better|felt better)\b/,
  ],
  [
    'sad',
    /\b(began to cry|started to cry|burst into tears|cried and cried|felt bad|feel bad|felt terrible|felt sorry)\b/,
  ],
  ['angry', /\b(shouted at|yelled at|snapped at|not fair|go away|leave me alone|how dare|stop it)\b/],
  ['scared', /\bhelp( me)?!|\b(ran away in fear|hid behind|what was that)\b/],
  ['surprised', /\b(could not believe|couldn't believe|can't believe|what a surprise|to (his|her|their) surprise)\b/],
  ['disgusted', /\b(made a face|wrinkled (his|her) nose|smelled bad|tasted bad|ew+)\b/],
];

const NEGATORS =
  /^(not|no|never|wasn't|isn't|weren't|aren't|don't|didn't|won't|can't|couldn't|nothing|without|stop|stopped|anymore|longer)$/;

/**
 * When one sentence names several emotions, the one a reader remembers wins: anger and fear first; disgust words
 * often describe a thing rather than a feeling, so they yield to every emotion but happiness.
 */
const PRIORITY: Cued[] = ['angry', 'scared', 'surprised', 'sad', 'disgusted', 'happy'];

/** Every emotion named by the sentence's cues, not negated in the three words before. */
export function cuedEmotions(text: string): Set<Cued> {
  const w = words(text);
  const found = new Set<Cued>();
  w.forEach((word, i) => {
    for (const emotion of PRIORITY) {
      if (!CUES[emotion].test(word)) continue;
      const negated = w.slice(Math.max(0, i - 3), i).some((prev) => NEGATORS.test(prev));
      if (!negated) found.add(emotion);
    }
  });
  const lower = text.toLowerCase().replace(/’/g, "'");
  for (const [emotion, re] of PHRASES) if (re.test(lower)) found.add(emotion);
  return found;
}

/** The emotion a sentence's cues name, the rarest when several do, or null when none does. */
export function cueEmotion(text: string): Emotion | null {
  const found = cuedEmotions(text);
  return PRIORITY.find((e) => found.has(e)) ?? null;
}

/** Phrases that end an emotional episode: the character calms down, or the story moves on in time. */
export const EPISODE_END =
  /\b(calmed down|felt better|not (angry|sad|scared|mad|upset) anymore|no longer|the next day|the next morning|one day|later that|after that|the end|from then on|from that day)\b/i;
