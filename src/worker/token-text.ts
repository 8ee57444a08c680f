/**
 * Gives each generated token its share of the decoded text. Byte-level BPE can split one character
 * over several tokens; their text is held back until the character is complete, so the pieces always
 * join into exactly the decoded text. Only the tokens since the last complete character are decoded,
 * so a token costs the same at any position (the byte-level decoder adds no spaces or clean-up that
 * would make a part decode differently from the whole).
 */
export class TokenTexts {
  private held: number[] = [];

  constructor(private readonly decode: (ids: number[]) => string) {}

  next(id: number): string {
    this.held.push(id);
    const text = this.decode(this.held);
    if (text.endsWith('\uFFFD')) return '';
    this.held = [];
    return text;
  }
}
