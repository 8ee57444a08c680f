/**
 * Colours for tags, from the Okabe–Ito palette (told apart with the common colour-vision deficiencies).
 * Colour is never the only cue: chips carry the tag's name, and the chart labels each line.
 */
const KNOWN: Record<string, string> = {
  happy: '#E69F00',
  sad: '#0072B2',
  angry: '#D55E00',
  scared: '#CC79A7',
  surprised: '#009E73',
  disgusted: '#7A6A00',
  neutral: '#6E6E6E',
  rude: '#111111',
  story: '#56B4E9',
  comment: '#8E5BB3',
};

export function tagColor(tag: string): string {
  if (KNOWN[tag]) return KNOWN[tag];
  let hash = 0;
  for (const char of tag) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 55% 40%)`;
}

/** Dark text on light colours and light text on dark ones, so chip labels keep their contrast. */
export function tagTextColor(tag: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(tagColor(tag))?.[1];
  if (!hex) return '#fff';
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 ? '#111' : '#fff';
}
