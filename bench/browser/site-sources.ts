import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceResolver } from './cpu-profile';
import { parseSourceMap, type SourceMap } from './source-map';

/**
 * Resolves positions in a built site's scripts (served under `prefix` from `dir`) through the source
 * maps next to them, naming sources from the repository root (`src/…`, `node_modules/…`).
 */
export function siteSources(dir: string, prefix: string): SourceResolver {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (path: string): SourceMap | null => {
    if (!maps.has(path)) {
      const file = join(dir, `${path}.map`);
      maps.set(path, existsSync(file) ? parseSourceMap(JSON.parse(readFileSync(file, 'utf8'))) : null);
    }
    return maps.get(path) ?? null;
  };
  return (url, line, column) => {
    // Injected scripts report a file path, not an address.
    if (!/^https?:/.test(url)) return null;
    const path = new URL(url).pathname;
    if (!path.startsWith(prefix)) return null;
    const found = mapOf(path.slice(prefix.length))?.original(line, column);
    return found ? `${found.source.replace(/^(\.\.\/)+/, '')}:${found.line}` : null;
  };
}
