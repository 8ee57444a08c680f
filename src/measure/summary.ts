/**
 * What "Measure" reports about a policy over many samples, beside free generation on the same seeds.
 * Pure: the same function sums up in the page's worker and in a test that recomputes it from an export.
 */
import { applyChange, ruleOf, type Policy } from '../steering/policy';
import type { TimelineEntry } from '../steering/timeline';
import type { Sample } from './samples';

export const HISTOGRAM_BINS = 10;

export interface TagShare {
  tag: string;
  /** Share of sentences the tagger labels with the tag, and the model opened with it: under the policy, and free. */
  tagger: number | null;
  model: number | null;
  freeTagger: number | null;
  freeModel: number | null;
}

export interface Temptation {
  tag: string;
  /** Sentences that started while the tag was banned. */
  sentences: number;
  /** Of those, where the model's pre-ban probability for the tag (within its group) reached the threshold. */
  tempted: number;
  /** Those pre-ban probabilities, counted in `HISTOGRAM_BINS` equal bins over 0…1. */
  histogram: number[];
}

export interface Comeback {
  tag: string;
  /** The token index where the ban was lifted. */
  liftedAt: number;
  /** Samples with a sentence after the lift, and of those, where the tag opened one of the next `within`. */
  samples: number;
  cameBack: number;
  within: number;
}

export interface MeasureSummary {
  samples: number;
  sentences: number;
  freeSentences: number;
  shares: TagShare[];
  temptation: Temptation[];
  comeback: Comeback[];
  /** Distinct word pairs over all word pairs of the sentences: low values mean repeated, degenerate text. */
  distinct2: number | null;
  freeDistinct2: number | null;
}

export interface SummarySettings {
  /** The tags that open sentences, in the order to report them. */
  tags: string[];
  policy: Policy;
  timeline: TimelineEntry[];
  threshold: number;
  /** How many sentences after a lifted ban count for `comeback`. */
  within: number;
}

const share = (hits: number, of: number) => (of === 0 ? null : hits / of);

/** The policy in force at each timeline entry's token, in order, from the initial one. */
function policies(initial: Policy, timeline: TimelineEntry[]): { from: number; policy: Policy }[] {
  const ordered = [...timeline].sort((a, b) => a.tokenIndex - b.tokenIndex);
  const out = [{ from: 0, policy: initial }];
  for (const entry of ordered)
    out.push({ from: entry.tokenIndex, policy: applyChange(out.at(-1)!.policy, entry.change) });
  return out;
}

function policyAt(list: { from: number; policy: Policy }[], index: number): Policy {
  return list.findLast((p) => p.from <= index)!.policy;
}

export function distinct2(samples: Sample[]): number | null {
  const seen = new Set<string>();
  let pairs = 0;
  for (const sample of samples) {
    const words = sample.sentences.flatMap((s) => s.text.split(/\s+/).filter(Boolean));
    for (let i = 1; i < words.length; i++) {
      seen.add(`${words[i - 1]} ${words[i]}`);
      pairs++;
    }
  }
  return share(seen.size, pairs);
}

export function summarize(steered: Sample[], free: Sample[], settings: SummarySettings): MeasureSummary {
  const sentences = steered.flatMap((s) => s.sentences);
  const freeSentences = free.flatMap((s) => s.sentences);
  const shares = settings.tags.map((tag) => ({
    tag,
    tagger: share(sentences.filter((s) => s.label === tag).length, sentences.length),
    model: share(sentences.filter((s) => s.modelTag === tag).length, sentences.length),
    freeTagger: share(freeSentences.filter((s) => s.label === tag).length, freeSentences.length),
    freeModel: share(freeSentences.filter((s) => s.modelTag === tag).length, freeSentences.length),
  }));
  const inForce = policies(settings.policy, settings.timeline);
  const everBanned = settings.tags.filter((tag) => inForce.some((p) => ruleOf(p.policy, tag).mode === 'ban'));
  const temptation = everBanned.map((tag) => {
    const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
    let count = 0;
    let tempted = 0;
    for (const s of sentences) {
      if (ruleOf(policyAt(inForce, s.opener), tag).mode !== 'ban') continue;
      const p = s.tagProbs[tag] ?? 0;
      count++;
      if (p >= settings.threshold) tempted++;
      histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor(p * HISTOGRAM_BINS))]++;
    }
    return { tag, sentences: count, tempted, histogram };
  });
  const comeback: Comeback[] = [];
  for (const tag of everBanned) {
    const lift = inForce.findIndex(
      (p, i) => i > 0 && ruleOf(inForce[i - 1].policy, tag).mode === 'ban' && ruleOf(p.policy, tag).mode !== 'ban',
    );
    if (lift < 0) continue;
    const liftedAt = inForce[lift].from;
    let withSentence = 0;
    let cameBack = 0;
    for (const sample of steered) {
      const after = sample.sentences.filter((s) => s.opener >= liftedAt).slice(0, settings.within);
      if (after.length === 0) continue;
      withSentence++;
      if (after.some((s) => s.modelTag === tag)) cameBack++;
    }
    comeback.push({ tag, liftedAt, samples: withSentence, cameBack, within: settings.within });
  }
  return {
    samples: steered.length,
    sentences: sentences.length,
    freeSentences: freeSentences.length,
    shares,
    temptation,
    comeback,
    distinct2: distinct2(steered),
    freeDistinct2: distinct2(free),
  };
}
