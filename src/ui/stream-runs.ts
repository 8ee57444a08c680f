/** The stream's tokens in runs: a sentence's opening (its tags and first word), kept on one line, or plain text. */
export interface StreamRun<T> {
  /** The index of its first token in the stream: the same while the run grows. */
  key: number;
  opening: boolean;
  /** In the order shown: an opening shows its line breaks before its tags. */
  tokens: T[];
}

interface Piece {
  index: number;
  tag: string | null;
  text: string;
}

const blank = (text: string) => text.trim() === '';

/**
 * Cuts the tokens into runs. An opening starts at a tag and takes the tags and blank tokens after it up to and
 * including the first word, so a line never breaks between a chip and the sentence it opens; a line break the
 * model wrote after the tag is shown before it, so the chip starts the new line with its sentence.
 */
export function streamRuns<T extends Piece>(tokens: T[]): StreamRun<T>[] {
  const runs: StreamRun<T>[] = [];
  let open = false;
  for (const token of tokens) {
    const last = runs.at(-1);
    if (token.tag !== null && !open) {
      runs.push({ key: token.index, opening: true, tokens: [token] });
      open = true;
    } else if (last && open && blank(token.text) && token.text.includes('\n')) {
      last.tokens.splice(last.tokens.findLastIndex((t) => t.text.includes('\n')) + 1, 0, token);
    } else if (last && last.opening === open) {
      last.tokens.push(token);
    } else {
      runs.push({ key: token.index, opening: false, tokens: [token] });
    }
    if (token.tag === null && !blank(token.text)) open = false;
  }
  return runs;
}

/** Each token of an opening mapped to the opening's last tag: where the tagger's verdict on its sentence goes. */
export function lastTagOfOpening<T extends Piece>(runs: StreamRun<T>[]): Map<number, number> {
  const anchors = new Map<number, number>();
  for (const run of runs) {
    if (!run.opening) continue;
    const lastTag = run.tokens.findLast((t) => t.tag !== null)!;
    for (const token of run.tokens) anchors.set(token.index, lastTag.index);
  }
  return anchors;
}
