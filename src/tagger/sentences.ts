const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Splits text into sentences with the built-in ICU segmenter. Each sentence keeps the whitespace
 * *before* it, so a tag placed in front of a sentence sits right after the previous sentence's
 * punctuation, and joining the pieces restores the text exactly.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const { segment } of segmenter.segment(text)) {
    const body = segment.trimEnd();
    if (body.trim() === '') {
      pending += segment;
      continue;
    }
    out.push(pending + body);
    pending = segment.slice(body.length);
  }
  if (pending && out.length > 0) out[out.length - 1] += pending;
  return out;
}
