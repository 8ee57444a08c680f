import LZString from 'lz-string';
import { expandedLength } from '../share/expanded-length';
import { LIMITS } from '../share/limits';

/**
 * The model a share link was made with, read before the link is checked against the loaded model's tags
 * (a link made with another model names tags this one lacks); null when the link cannot be read or names none.
 * Bounded as the share-link decoder is: nothing past its limits is decompressed.
 */
export function linkModel(text: string): string | null {
  if (text.length === 0 || text.length > LIMITS.encodedLength) return null;
  const length = expandedLength(text, LIMITS.decodedLength);
  if (length === null || length === Infinity) return null;
  try {
    const raw = JSON.parse(LZString.decompressFromEncodedURIComponent(text) ?? '') as { model?: unknown } | null;
    const model = raw?.model;
    return typeof model === 'string' && model.length > 0 && model.length <= LIMITS.modelNameLength ? model : null;
  } catch {
    return null;
  }
}
