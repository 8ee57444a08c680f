import { END_OF_TEXT, EMOTIONS, RUDE } from '../tagger/labels';

/** A stretch of the stream: a tag or some text, from the prompt (index −1) or a generated token. */
export interface Piece {
  tag: string | null;
  text: string;
  index: number;
}

/** One sentence as the model tagged it. */
export interface TaggedSentence {
  emotion: string;
  rude: boolean;
  text: string;
  /** The last generated token of the sentence (its tag when it has no generated text). */
  lastToken: number;
  /** Closed by a following tag, an end of text, or the end of the run. */
  complete: boolean;
}

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

const isEmotion = (tag: string | null): tag is string => tag !== null && (EMOTIONS as readonly string[]).includes(tag);

/**
 * The sentences the model wrote, each under the emotion tag in front of it (with `<rude>` when that
 * follows the emotion). A sentence ends at the next emotion or genre tag, an end of text, or the end of
 * the run. Sentences that lie wholly in the prompt are the user's, not the model's, and are left out.
 */
export function taggedSentences(pieces: Piece[], runEnded: boolean): TaggedSentence[] {
  const sentences: TaggedSentence[] = [];
  let current: (TaggedSentence & { generated: boolean }) | null = null;
  const close = (complete: boolean) => {
    if (current && current.generated && current.text.trim() !== '') {
      const { generated: _, ...sentence } = current;
      sentences.push({ ...sentence, complete });
    }
    current = null;
  };
  for (const piece of pieces) {
    if (isEmotion(piece.tag)) {
      close(true);
      current = {
        emotion: piece.tag,
        rude: false,
        text: '',
        lastToken: piece.index,
        complete: false,
        generated: piece.index >= 0,
      };
    } else if (piece.tag === RUDE) {
      if (current && current.text.trim() === '') current.rude = true;
    } else if (piece.tag !== null || piece.text === END_OF_TEXT) {
      close(true);
    } else if (current) {
      current.text += piece.text;
      if (piece.index >= 0) {
        current.lastToken = piece.index;
        current.generated = true;
      }
    }
  }
  close(runEnded);
  return sentences;
}
