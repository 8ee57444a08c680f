const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

/**
 * A well-formed lz-string stream (URI alphabet) of one literal followed by `codes` codes that each
 * name the entry being defined, so each expands to one character more than the last: n codes
 * decompress to about n²/2 characters. This is a decompression bomb that lz-string accepts.
 */
export function lzBomb(codes: number): string {
  const bits: number[] = [];
  const put = (value: number, width: number) => {
    for (let i = 0; i < width; i++) bits.push(Math.floor(value / 2 ** i) % 2);
  };
  put(0, 2);
  put('a'.charCodeAt(0), 8);
  let dictSize = 4;
  let width = 3;
  let enlargeIn = 4;
  for (let i = 0; i < codes; i++) {
    put(dictSize++, width);
    if (--enlargeIn === 0) enlargeIn = 2 ** width++;
  }
  put(2, width);
  let out = '';
  for (let i = 0; i < bits.length; i += 6) {
    let value = 0;
    for (let j = 0; j < 6; j++) value = value * 2 + (bits[i + j] ?? 0);
    out += URI_ALPHABET[value];
  }
  return out;
}
