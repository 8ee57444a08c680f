// lz-string is CommonJS; its default export is what both Node and the bundler can import.
import LZString from 'lz-string';
import { defaultShareState } from './defaults';
import { expandedLength } from './expanded-length';
import { LIMITS } from './limits';
import { EarlierSamplerError, ShareLinkError } from './link-error';
import type { ShareState } from './state';
import { validateShareState } from './validate';

/** On failure, `state` is the link's own settings where they could be read (`restored`), else the defaults. */
export type DecodeResult =
  { ok: true; state: ShareState } | { ok: false; error: string; state: ShareState; restored: boolean };

/**
 * The state as a URL-safe string. lz-string's `compressToEncodedURIComponent` compresses the JSON
 * (a timeline repeats the same keys and tags, so links shrink several-fold) and writes only characters
 * that survive in a URL fragment without percent-encoding. The format version travels inside the JSON.
 */
export function encodeShareState(state: ShareState): string {
  return LZString.compressToEncodedURIComponent(JSON.stringify(state));
}

function decompress(text: unknown): string {
  if (typeof text !== 'string' || text.length === 0) throw new ShareLinkError('This link carries no settings.');
  if (text.length > LIMITS.encodedLength) {
    const length = text.length.toLocaleString('en');
    const most = LIMITS.encodedLength.toLocaleString('en');
    throw new ShareLinkError(
      `This link is too long (${length} characters); links of up to ${most} characters (1 MB) are accepted.`,
    );
  }
  const length = expandedLength(text, LIMITS.decodedLength);
  if (length === Infinity)
    throw new ShareLinkError(
      'This link expands to far more data than any tagplay settings need, so it was not opened.',
    );
  const json = length === null ? null : LZString.decompressFromEncodedURIComponent(text);
  if (!json) throw new ShareLinkError('This link is damaged or cut short: its settings could not be unpacked.');
  return json;
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new ShareLinkError('This link is damaged: its settings are not readable.');
  }
}

/**
 * Reads a link made by `encodeShareState`. Never throws: on any problem it returns a message for the
 * user and the default state (or, for a link of the earlier sampler, its own settings), so the page can still start.
 */
export function decodeShareState(text: string, knownTags: readonly string[]): DecodeResult {
  try {
    return { ok: true, state: validateShareState(parse(decompress(text)), knownTags) };
  } catch (error) {
    const message = error instanceof ShareLinkError ? error.message : 'This link could not be read.';
    if (error instanceof EarlierSamplerError)
      return { ok: false, error: message, state: error.settings, restored: true };
    return { ok: false, error: message, state: defaultShareState(), restored: false };
  }
}
