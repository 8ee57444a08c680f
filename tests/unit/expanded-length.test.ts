import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { expandedLength } from '../../src/share/expanded-length';
import { lzBomb } from './support/lz-bomb';

const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

/** lz-string's own answer: the output length, or null for no output (it returns null or '' on bad input, or throws). */
function lzLength(encoded: string): number | null {
  try {
    return LZString.decompressFromEncodedURIComponent(encoded)?.length || null;
  } catch {
    return null;
  }
}

describe('expandedLength', () => {
  it('counts exactly what lz-string would return for any compressed text', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 500 }),
      fc.string({ unit: fc.constantFrom('a', 'b', 'ab', '<happy>'), maxLength: 2000 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
    );
    fc.assert(
      fc.property(text, (s) => {
        expect(expandedLength(LZString.compressToEncodedURIComponent(s), Infinity)).toBe(s.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with lz-string on arbitrary text whenever it accepts it', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...URI_ALPHABET, ' ', '%'), maxLength: 60 }), (s) => {
        const length = expandedLength(s, Infinity);
        if (length !== null && length > 0) expect(lzLength(s)).toBe(length);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a space as +, like lz-string', () => {
    const text = 'a fairly long text that compresses into a link with plus signs, surely?'.repeat(5);
    const spaced = LZString.compressToEncodedURIComponent(text).replaceAll('+', ' ');
    expect(spaced).toContain(' ');
    expect(expandedLength(spaced, Infinity)).toBe(text.length);
    expect(lzLength(spaced)).toBe(text.length);
  });

  it('returns Infinity once the count passes the limit', () => {
    const link = LZString.compressToEncodedURIComponent('x'.repeat(5000));
    expect(expandedLength(link, 5000)).toBe(5000);
    expect(expandedLength(link, 4999)).toBe(Infinity);
  });

  it('measures a decompression bomb without expanding it', () => {
    const codes = 2000;
    // The bomb's output: one literal, then entries of length 2, 3, …, codes + 1.
    const expected = 1 + (codes * (codes + 3)) / 2;
    expect(expandedLength(lzBomb(codes), Infinity)).toBe(expected);
    expect(lzLength(lzBomb(codes))).toBe(expected);
    const big = lzBomb(150_000);
    const start = performance.now();
    expect(expandedLength(big, 4_000_000)).toBe(Infinity);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('returns null for streams no compressor wrote', () => {
    expect(expandedLength('', Infinity)).toBeNull();
    expect(expandedLength(LZString.compressToEncodedURIComponent('hello there').slice(0, 3), Infinity)).toBeNull();
  });
});
