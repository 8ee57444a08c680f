import { EMOTIONS, GENRES, RUDE } from '../tagger/labels';

/** One control tag as the tokenizer knows it. */
export interface Tag {
  name: string;
  id: number;
}

/**
 * Tags that compete with each other where a sentence (or document) starts. The policy steers which
 * tag of a group is picked, never whether one is.
 * A group with `slotAfter` (the rude flag) is decided right after a tag of that group: there its
 * alternative is the sentence's first word, so boost and force act as a plain choice at that one step.
 */
export interface TagGroup {
  name: string;
  tags: Tag[];
  slotAfter?: string;
}

const TAG_FORM = /^<([a-z][a-z0-9_-]*)>$/;

/**
 * Discovers the tags from the tokenizer's added tokens (every token of the form `<name>`) and groups
 * them: the emotions together, the genres together, `<rude>` after the emotion, any other tag alone.
 */
export function discoverTagGroups(addedTokens: { id: number; content: string }[]): TagGroup[] {
  const tags = addedTokens
    .map((t) => ({ id: t.id, name: TAG_FORM.exec(t.content)?.[1] }))
    .filter((t): t is Tag => t.name !== undefined);
  const pick = (names: readonly string[]) => tags.filter((t) => names.includes(t.name));
  const known = new Set<string>([...EMOTIONS, ...GENRES, RUDE]);
  const groups: TagGroup[] = [
    { name: 'emotion', tags: pick(EMOTIONS) },
    { name: 'genre', tags: pick(GENRES) },
    { name: RUDE, tags: pick([RUDE]), slotAfter: 'emotion' },
    ...tags.filter((t) => !known.has(t.name)).map((t) => ({ name: t.name, tags: [t] })),
  ];
  return groups.filter((g) => g.tags.length > 0);
}

export const allTags = (groups: TagGroup[]): Tag[] => groups.flatMap((g) => g.tags);
