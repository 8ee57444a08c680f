import { allTags, type TagGroup } from '../steering/tags';

/**
 * Tags' colours, as the model's vocabulary gives them (the recipe picks a palette told apart with the
 * common colour-vision deficiencies); a tag without one gets a colour from its name. Colour is never the
 * only cue: chips carry the tag's name, and the chart labels each line.
 */
const colours = new Map<string, string>();

/** Takes the colours of a newly loaded model's tags. */
export function useTagColours(groups: TagGroup[]): void {
  colours.clear();
  for (const tag of allTags(groups)) if (tag.colour) colours.set(tag.name, tag.colour);
}

export function tagColor(tag: string): string {
  const known = colours.get(tag);
  if (known) return known;
  let hash = 0;
  for (const char of tag) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 55% 40%)`;
}

/** The tag's colour, see-through (`alpha` from 0 to 1): for areas that lines and text cross. */
export function tagFill(tag: string, alpha: number): string {
  const colour = tagColor(tag);
  const hex = /^#([0-9a-f]{6})$/i.exec(colour)?.[1];
  if (hex)
    return `#${hex}${Math.round(alpha * 255)
      .toString(16)
      .padStart(2, '0')}`;
  return colour.replace(/\)$/, ` / ${alpha})`);
}

/** WCAG's relative luminance of an `rrggbb` colour. */
function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const DARK_TEXT = '#111';
const DARK_LUMINANCE = luminance('111111');

/** Dark or white text, whichever contrasts more with the tag's colour, so chip labels stay readable (WCAG AA). */
export function tagTextColor(tag: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(tagColor(tag))?.[1];
  if (!hex) return '#fff';
  const l = luminance(hex);
  return (l + 0.05) / (DARK_LUMINANCE + 0.05) > 1.05 / (l + 0.05) ? DARK_TEXT : '#fff';
}
