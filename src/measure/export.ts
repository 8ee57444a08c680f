/** A measurement as files: JSON with everything, CSV with one row per generated sentence. */
import type { MeasureResult } from '../worker/api';
import { csvRow } from '../transcript/export';

export const measureToJson = (result: MeasureResult): string => JSON.stringify(result, null, 1);

export function measureToCsv(result: MeasureResult): string {
  const header = ['set', 'seed', 'sentence', 'opener', 'model_tag', 'model_rude', 'tagger_tag', 'tagger_rude'];
  const rows = [csvRow([...header, ...result.tags.map((t) => `p_${t}`), 'text'])];
  for (const [set, samples] of [
    ['steered', result.steered],
    ['free', result.free],
  ] as const) {
    for (const sample of samples)
      sample.sentences.forEach((s, i) =>
        rows.push(
          csvRow([
            set,
            sample.seed,
            i,
            s.opener,
            s.modelTag,
            s.modelRude,
            s.label,
            s.rude,
            ...result.tags.map((t) => s.tagProbs[t] ?? ''),
            s.text,
          ]),
        ),
      );
  }
  return rows.join('\r\n') + '\r\n';
}
