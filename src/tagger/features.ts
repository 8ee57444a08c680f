/** Lower-cased word tokens; `!` and `?` are kept because they carry surprise and anger. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/’/g, "'")
      .match(/[a-z0-9']+|[!?]/g) ?? []
  );
}

/** Unigram and bigram features of a sentence, the input of the linear emotion classifier. */
export function features(text: string): string[] {
  const w = words(text);
  const out = [...w];
  for (let i = 0; i + 1 < w.length; i++) out.push(`${w[i]} ${w[i + 1]}`);
  return out;
}
