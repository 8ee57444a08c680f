import type { Transcript } from './types';

/**
 * The whole transcript as indented JSON: settings with the full timeline, tag names, and for every
 * token its text, id, alternatives and the tags' raw logits and probabilities. JSON has no ±∞ or NaN,
 * so such numbers (a logit of −∞) come out as null.
 */
export function transcriptToJson(transcript: Transcript): string {
  return JSON.stringify(transcript, null, 2);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, and its quotes doubled. */
function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvRow = (fields: (string | number | boolean)[]): string => fields.map(csvField).join(',');

/**
 * One row per token (index, token id, text, inserted, policy version, then each tag's probability
 * before the policy as `p_<tag>`), for spreadsheets and pandas. Rows end in CRLF, as RFC 4180 asks.
 */
export function transcriptToCsv(transcript: Transcript): string {
  const header = [
    'index',
    'token_id',
    'text',
    'inserted',
    'policy_version',
    ...transcript.tags.map((tag) => `p_${tag}`),
  ];
  const rows = transcript.tokens.map((t) => [t.index, t.token, t.text, t.inserted, t.policyVersion, ...t.tagProbs]);
  return [header, ...rows].map((row) => `${csvRow(row)}\r\n`).join('');
}
