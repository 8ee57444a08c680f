import { TOP_ALTERNATIVES } from '../steering/engine';
import type { PolicyChange } from '../steering/policy';
import type { TokenStep } from '../worker/api';
import { runningSum } from './fork';
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

/** Rows end in CRLF, as RFC 4180 asks. */
const csvTable = (rows: (string | number | boolean)[][]) => rows.map((row) => `${csvRow(row)}\r\n`).join('');

const ranks = Array.from({ length: TOP_ALTERNATIVES }, (_, i) => i + 1);

/**
 * One row per token, for spreadsheets and pandas: index, token id, text, inserted, policy version, each
 * tag's probability before the policy (`p_<tag>`) and its logit (`logit_<tag>`), then the top alternatives
 * after the policy, most likely first (`top1_id`, `top1_text`, `top1_p`, …; the text from `vocabulary`, each
 * token's text on its own), blank where a step kept fewer, and last the cost of control at the token (`kl`,
 * KL(steered‖model) in nats) and its running sum (`kl_sum`). The run's tokens, or those given (a fork's).
 */
export function transcriptToCsv(
  transcript: Transcript,
  vocabulary: readonly string[],
  tokens: readonly TokenStep[] = transcript.tokens,
): string {
  const header = [
    'index',
    'token_id',
    'text',
    'inserted',
    'policy_version',
    ...transcript.tags.map((tag) => `p_${tag}`),
    ...transcript.tags.map((tag) => `logit_${tag}`),
    ...ranks.flatMap((rank) => [`top${rank}_id`, `top${rank}_text`, `top${rank}_p`]),
    'kl',
    'kl_sum',
  ];
  const sums = runningSum(tokens.map((t) => t.kl));
  const rows = tokens.map((t, row) => [
    t.index,
    t.token,
    t.text,
    t.inserted,
    t.policyVersion,
    ...t.tagProbs,
    ...t.tagLogits,
    ...ranks.flatMap((_, i): (number | string)[] => {
      const alternative = t.top[i];
      return alternative ? [alternative.token, vocabulary[alternative.token] ?? '', alternative.prob] : ['', '', ''];
    }),
    t.kl,
    sums[row],
  ]);
  return csvTable([header, ...rows]);
}

/** The fork's own tokens (from index `at + 1`) in the tokens' CSV's columns; null when the transcript has no fork. */
export function forkToCsv(transcript: Transcript, vocabulary: readonly string[]): string | null {
  return transcript.fork ? transcriptToCsv(transcript, vocabulary, transcript.fork.tokens) : null;
}

/** A change's fields in the timeline's columns: kind, tag, mode, boost, alarm, threshold (blank where it has none). */
function changeFields(change: PolicyChange): (string | number)[] {
  switch (change.kind) {
    case 'mode':
      return ['mode', change.tag, change.mode, '', '', ''];
    case 'boost':
      return ['boost', change.tag, '', change.boost, '', ''];
    case 'insert':
      return ['insert', change.tag, '', '', '', ''];
    case 'reset':
      return ['reset', '', '', '', '', ''];
    case 'alarm':
      return ['alarm', '', '', '', change.action, change.threshold];
  }
}

/**
 * The policy timeline, one row per change in the order made: the token it applies from (`token_index`),
 * then what it changed. A token's `policy_version` in the tokens' CSV is how many of these rows were in force.
 */
export function timelineToCsv(transcript: Transcript): string {
  const rows = transcript.state.timeline.map((entry) => [entry.tokenIndex, ...changeFields(entry.change)]);
  return csvTable([['token_index', 'change', 'tag', 'mode', 'boost', 'alarm', 'threshold'], ...rows]);
}
