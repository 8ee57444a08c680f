/** Each token's text decoded on its own, by id: what the page shows for alternatives, and `TokenTexts`'s fast path. */
export const decodeEach = (decode: (ids: number[]) => string, vocabularySize: number): string[] =>
  Array.from({ length: vocabularySize }, (_, id) => decode([id]));

/**
 * Gives each generated token its share of the decoded text. Byte-level BPE can split one character
 * over several tokens; their text is held back until the character is complete, so the pieces always
 * join into exactly the decoded text. Only the tokens since the last complete character are decoded,
 * so a token costs the same at any position (the byte-level decoder adds no spaces or clean-up that
 * would make a part decode differently from the whole).
 */
export class TokenTexts {
  private held: number[] = [];

  /**
   * `alone` is `decodeEach(decode, …)`: a token that follows a complete character and is one itself is looked
   * up there, as decoding took tens of µs.
   */
  constructor(
    private readonly decode: (ids: number[]) => string,
    private readonly alone: readonly string[],
  ) {}

  next(id: number): string {
    if (this.held.length === 0) {
      const text = this.alone[id];
      if (text !== undefined && !text.endsWith('\uFFFD')) return text;
    }
    this.held.push(id);
    const text = this.decode(this.held);
    if (text.endsWith('\uFFFD')) return '';
    this.held = [];
    return text;
  }
}
