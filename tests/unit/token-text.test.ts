import { AutoTokenizer } from '@huggingface/transformers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useLocalModels } from '../../models/recipe/load-node';
import { MODEL_NAME } from '../../models/recipe/paths';
import { TokenTexts, decodeEach } from '../../src/worker/token-text';

/** The model's own tokenizer, decoding as the worker does: tags and end-of-text kept, no clean-up. */
async function modelTokenizer() {
  useLocalModels();
  const tokenizer = await AutoTokenizer.from_pretrained(MODEL_NAME, { local_files_only: true });
  const decode = (ids: number[]) =>
    tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  const vocab = tokenizer.get_vocab().size;
  return {
    decode,
    alone: decodeEach(decode, vocab),
    encode: (text: string) => tokenizer.encode(text, { add_special_tokens: false }),
    vocab,
  };
}

describe('TokenTexts: each token its share of the text', () => {
  it('joins into exactly what decoding all the tokens at once gives, for any sequence of the model’s tokens', async () => {
    const { decode, alone, vocab } = await modelTokenizer();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: vocab - 1 }), { minLength: 1, maxLength: 60 }), (ids) => {
        const texts = new TokenTexts(decode, alone);
        const pieces = ids.map((id) => texts.next(id));
        const whole = decode(ids);
        const given = pieces.join('');
        expect(whole.startsWith(given)).toBe(true);
        // Only text that ends in an unfinished character is held back.
        const held = whole.slice(given.length);
        expect(held === '' || held.endsWith('\uFFFD')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('holds a character split over several tokens back until it is complete', async () => {
    const { decode, alone, encode } = await modelTokenizer();
    const texts = new TokenTexts(decode, alone);
    const ids = encode('Tom said: naïve café 🙂 done.');
    const pieces = ids.map((id) => texts.next(id));
    expect(pieces.join('')).toBe('Tom said: naïve café 🙂 done.');
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
  });

  it('decodes only tokens that start or continue an unfinished character; the rest come from the table', async () => {
    const { decode, alone, encode } = await modelTokenizer();
    const decoded: number[][] = [];
    const texts = new TokenTexts((ids) => {
      decoded.push([...ids]);
      return decode(ids);
    }, alone);
    const ids = encode('<happy>Plain words. 🙂 Then more.');
    const partial = ids.filter((id) => alone[id].endsWith('\uFFFD'));
    expect(partial.length).toBeGreaterThan(0);
    expect(ids.map((id) => texts.next(id)).join('')).toBe(decode(ids));
    // Every decode call ends at a token that could not stand alone or follows one that could not.
    expect(decoded.length).toBeLessThanOrEqual(partial.length + 1);
    expect(decoded.length).toBeGreaterThan(0);
  });
});
