/**
 * What the tag chart plots in each view: `share` (the default), each sentence-opening tag's share of those tags'
 * probability, stacked; `prob` and `logit`, every tag's raw value before the policy.
 */
export type ChartView = 'share' | 'prob' | 'logit';

interface Step {
  tagProbs: number[];
  tagLogits: number[];
}

/** One plotted series: its tag, the height drawn at each token, and the value its legend shows there. */
export interface ChartSeries {
  tag: string;
  y: (number | null)[];
  value: (number | null)[];
}

/**
 * Each of `opening`'s tags as a share of their summed probability at each token: the model's running forecast of
 * which tag the next sentence opens with, steady between sentence starts where the raw probabilities are near
 * zero. Stacked in `tags` order, so a series' height is its share plus those below it; null where the tags'
 * probabilities sum to zero.
 */
export function shareSeries(steps: Step[], tags: string[], opening: string[]): ChartSeries[] {
  const columns = tags.flatMap((tag, i) => (opening.includes(tag) ? [{ tag, i }] : []));
  const totals = steps.map((s) => columns.reduce((sum, { i }) => sum + s.tagProbs[i], 0));
  const below = steps.map(() => 0);
  return columns.map(({ tag, i }) => {
    const value = steps.map((s, k) => (totals[k] > 0 ? s.tagProbs[i] / totals[k] : null));
    const y = value.map((v, k) => (v === null ? null : (below[k] += v)));
    return { tag, y, value };
  });
}

/** Every tag's probability or logit before the policy, as recorded. */
export function rawSeries(steps: Step[], tags: string[], view: 'prob' | 'logit'): ChartSeries[] {
  return tags.map((tag, i) => {
    const y = steps.map((s) => (view === 'prob' ? s.tagProbs[i] : s.tagLogits[i]));
    return { tag, y, value: y };
  });
}
