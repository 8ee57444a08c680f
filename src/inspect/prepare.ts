/**
 * A text as the model saw its training text: split into sentences, each labelled by the tagger and
 * prefixed with its tags, after a genre tag. Tags typed into the text are read as text the user did not
 * mean as control tags, so they are taken out first (and counted): the tagger alone places tags.
 */
import { labelSentences, taggedSentence, type SentenceLabel, type Tagger } from '../tagger/index';
import { tagToken, type Genre } from '../tagger/labels';
import { splitSentences } from '../tagger/sentences';

/** Longer texts are refused with a message rather than scored for minutes. */
export const MAX_CHARACTERS = 20_000;

export interface PreparedText {
  /** The text the model reads: genre tag, then each sentence with its tags. */
  tagged: string;
  sentences: { text: string; label: SentenceLabel }[];
  /** Tags typed in the text (`<name>` for a tag of the model), taken out before tagging. */
  removedTags: number;
}

export function prepareText(
  text: string,
  tagger: Tagger,
  tagNames: readonly string[],
  genre: Genre = 'story',
): PreparedText {
  if (text.trim() === '') throw new Error('There is no text to inspect: paste one or pick an example.');
  if (text.length > MAX_CHARACTERS)
    throw new Error(
      `The text has ${text.length.toLocaleString('en')} characters; ` +
        `inspect at most ${MAX_CHARACTERS.toLocaleString('en')} at a time.`,
    );
  let removedTags = 0;
  const known = new Set(tagNames);
  const plain = text.replace(/<([a-z][a-z0-9_-]*)>/g, (whole, name: string) => {
    if (!known.has(name)) return whole;
    removedTags++;
    return '';
  });
  const split = splitSentences(plain).filter((s) => s.trim() !== '');
  if (split.length === 0) throw new Error('The text has no sentences once its typed tags are taken out.');
  const labels = labelSentences(tagger, split, genre);
  const sentences = split.map((s, i) => ({ text: s, label: labels[i] }));
  const tagged = tagToken(genre) + sentences.map((s) => taggedSentence(s.label, s.text)).join('');
  return { tagged, sentences, removedTags };
}
