/** Finds the original source line of a position in a built file, from its v3 source map. */
export interface SourceMap {
  original(line: number, column: number): { source: string; line: number } | null;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one mappings segment: base-64 VLQ numbers, 5 bits each, continuation in bit 5, sign in bit 0. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/** Per generated line (0-based): segments of [generated column, source index, original line (0-based)], by column. */
export function parseSourceMap(json: { sources: string[]; mappings: string }): SourceMap {
  const lines: [number, number, number][][] = [];
  let source = 0;
  let originalLine = 0;
  for (const line of json.mappings.split(';')) {
    let column = 0;
    const segments: [number, number, number][] = [];
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const [dColumn, dSource, dLine] = decodeSegment(segment);
      column += dColumn;
      if (dSource === undefined) continue;
      source += dSource;
      originalLine += dLine;
      segments.push([column, source, originalLine]);
    }
    lines.push(segments);
  }
  return {
    original(line, column) {
      const segments = lines[line] ?? [];
      let found: [number, number, number] | undefined;
      for (const segment of segments) {
        if (segment[0] > column) break;
        found = segment;
      }
      found ??= segments[0];
      return found ? { source: json.sources[found[1]], line: found[2] + 1 } : null;
    },
  };
}
