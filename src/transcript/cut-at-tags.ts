/**
 * Cuts the model's output into the sentences it tagged: each sentence starts at a tag that opens one
 * (an emotion), maybe followed by a flag (`<rude>`), and runs to the next tag or end of text. The
 * playground's stream and the recipe's evaluation both cut output here.
 */

/** A stretch of output: a tag or some text, from the prompt (index −1) or a generated token. */
export interface Piece {
  tag: string | null;
  text: string;
  index: number;
}

/** Which tags open a sentence, and the flag that may follow such a tag (null when the model has none). */
export interface SentenceTags {
  opening: readonly string[];
  flag: string | null;
}

/** One sentence as the model tagged it. */
export interface TaggedSentence {
  /** The tag that opened it. */
  tag: string;
  /** Whether the flag followed that tag. */
  flagged: boolean;
  text: string;
  /** The index of the tag that opened it (−1 in the prompt). */
  opener: number;
  /** The indices of its generated text pieces, in order. */
  indices: number[];
  /** The last generated token of the sentence (its tag when it has no generated text). */
  lastToken: number;
  /** Closed by a following tag, an end of text, or the end of the run. */
  complete: boolean;
}

export const END_OF_TEXT = '<|endoftext|>';
const TAG_TEXT = /^<([a-z][a-z0-9_-]*)>$/;

/** Splits a prompt into tags the model knows and plain text, as its tokenizer would see them. */
export function promptPieces(prompt: string, knownTags: readonly string[]): Piece[] {
  return prompt
    .split(/(<[a-z][a-z0-9_-]*>|<\|endoftext\|>)/)
    .filter((part) => part !== '')
    .map((part) => {
      const name = TAG_TEXT.exec(part)?.[1];
      return { tag: name !== undefined && knownTags.includes(name) ? name : null, text: part, index: -1 };
    });
}

/**
 * The sentences the model wrote, each under the tag in front of it (flagged when the flag follows that
 * tag before any text). A sentence ends at the next tag other than the flag, an end of text, or the
 * end of the pieces, where `runEnded` says whether it is complete. Sentences that lie wholly in the
 * prompt are the user's, not the model's, and are left out.
 */
export function cutAtTags(pieces: Piece[], tags: SentenceTags, runEnded: boolean): TaggedSentence[] {
  const sentences: TaggedSentence[] = [];
  let current: TaggedSentence | null = null;
  const close = (complete: boolean) => {
    if (current && current.indices.length > 0 && current.text.trim() !== '') sentences.push({ ...current, complete });
    current = null;
  };
  for (const piece of pieces) {
    if (piece.tag !== null && tags.opening.includes(piece.tag)) {
      close(true);
      current = {
        tag: piece.tag,
        flagged: false,
        text: '',
        opener: piece.index,
        indices: [],
        lastToken: piece.index,
        complete: false,
      };
    } else if (piece.tag !== null && piece.tag === tags.flag) {
      if (current && current.text.trim() === '') current.flagged = true;
    } else if (piece.tag !== null || piece.text === END_OF_TEXT) {
      close(true);
    } else if (current) {
      current.text += piece.text;
      if (piece.index >= 0) {
        current.lastToken = piece.index;
        current.indices.push(piece.index);
      }
    }
  }
  close(runEnded);
  return sentences;
}
