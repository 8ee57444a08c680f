import { encodeShareState } from '../share/codec';
import type { ShareState } from '../share/state';

const PREFIX = '#s=';

/**
 * The share-state text of a page address's hash, or null when the hash is empty. A hash of another shape is
 * passed on as given, to be reported as unreadable.
 */
export function shareTextOf(hash: string): string | null {
  if (hash === '' || hash === '#') return null;
  return hash.startsWith(PREFIX) ? hash.slice(PREFIX.length) : hash.replace(/^#/, '');
}

export const shareHash = (state: ShareState): string => PREFIX + encodeShareState(state);

/** The full address that opens this state: the page itself with the state in its hash. */
export function shareUrl(state: ShareState, location: Location): string {
  return `${location.origin}${location.pathname}${location.search}${shareHash(state)}`;
}
