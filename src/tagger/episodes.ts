import { cueEmotion, EPISODE_END } from './cues';
import type { Emotion } from './labels';

/**
 * How the story tagger carries an emotion from one sentence to the next, fitted on hand-labelled stories
 * (npm run model:tagger). "Tom was angry. He stomped his feet. He shouted at Mia." is one angry episode.
 */
export interface EpisodeSettings {
  /** After a sentence that names an emotion, how many sentences without a cue of their own keep it. */
  carry: Partial<Record<Emotion, number>>;
}

/**
 * Labels a document's sentences in order, each from its own cues and the state carried from the sentences
 * before it, never from those after, so a sentence can be labelled the moment it ends.
 */
export class EpisodeTracker {
  private emotion: Emotion | null = null;
  private left = 0;

  constructor(
    private readonly settings: EpisodeSettings,
    /** The label of a sentence that neither names an emotion nor continues an episode. */
    private readonly fallback: (sentence: string) => Emotion,
  ) {}

  next(sentence: string): Emotion {
    const cued = cueEmotion(sentence);
    if (cued) {
      this.emotion = cued;
      this.left = this.settings.carry[cued] ?? 0;
      return cued;
    }
    if (this.emotion && this.left > 0 && !EPISODE_END.test(sentence)) {
      this.left--;
      return this.emotion;
    }
    this.emotion = null;
    return this.fallback(sentence);
  }
}
