/**
 * Gives each generated token its share of the decoded text. Byte-level BPE can split one character
 * over several tokens; their text is held back until the character is complete, so the pieces always
 * join into exactly the decoded text.
 */
export class TokenTexts {
  private readonly ids: number[] = [];
  private emitted = 0;

  constructor(private readonly decode: (ids: number[]) => string) {}

  next(id: number): string {
    this.ids.push(id);
    const full = this.decode(this.ids);
    if (full.endsWith('\uFFFD')) return '';
    const text = full.slice(this.emitted);
    this.emitted = full.length;
    return text;
  }
}
