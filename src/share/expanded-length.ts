/** lz-string's alphabet for `compressToEncodedURIComponent`, six bits per character. */
const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const VALUE_OF = new Map([...URI_ALPHABET].map((char, value) => [char, value]));
// lz-string reads a space as '+', which URL decoding may have produced; unknown characters read as 0, as in lz-string.
VALUE_OF.set(' ', VALUE_OF.get('+')!);

/** Reads the stream's codes the way lz-string does: six bits per character, each code least significant bit first. */
function bitReader(encoded: string) {
  let next = 1;
  let value = VALUE_OF.get(encoded[0]) ?? 0;
  let mask = 32;
  return {
    read(bits: number): number {
      let code = 0;
      for (let bit = 0; bit < bits; bit++) {
        if (value & mask) code += 2 ** bit;
        mask >>= 1;
        if (mask === 0) {
          mask = 32;
          value = VALUE_OF.get(encoded[next++]) ?? 0;
        }
      }
      return code;
    },
    exhausted: () => next > encoded.length,
  };
}

/**
 * The length of the text that lz-string's `decompressFromEncodedURIComponent` would return, counted
 * from entry lengths alone, without building any string; `Infinity` as soon as it passes `limit`;
 * null for a stream lz-string's compressor cannot have written (cut short, bad code).
 *
 * Why: each LZ dictionary entry may be one character longer than the one before, so a crafted link
 * of 50 kB expands to hundreds of megabytes (a decompression bomb), and lz-string has no limit.
 */
export function expandedLength(encoded: string, limit: number): number | null {
  if (encoded.length === 0) return null;
  const stream = bitReader(encoded);
  const first = stream.read(2);
  if (first > 1) return first === 2 ? 0 : null;
  stream.read(first === 0 ? 8 : 16);
  // Codes 0–2 are markers (8-bit literal, 16-bit literal, end); entries start at 3.
  const entryLength: number[] = [0, 0, 0, 1];
  let bits = 3;
  let enlargeIn = 4;
  let previous = 1;
  let total = 1;
  const grow = () => {
    if (--enlargeIn === 0) enlargeIn = 2 ** bits++;
  };
  for (;;) {
    if (stream.exhausted()) return null;
    let code = stream.read(bits);
    if (code === 2) return total;
    if (code < 2) {
      stream.read(code === 0 ? 8 : 16);
      code = entryLength.push(1) - 1;
      grow();
    }
    let length: number;
    if (code < entryLength.length) length = entryLength[code];
    else if (code === entryLength.length) length = previous + 1;
    else return null;
    total += length;
    if (total > limit) return Infinity;
    entryLength.push(previous + 1);
    grow();
    previous = length;
  }
}
