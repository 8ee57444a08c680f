/**
 * The model's control tags and how they group, as data: read from `tagplay.json` in the model's folder
 * (written by the recipe), matched against the tokenizer's added tokens. Nothing here names a tag, so a
 * model with another genre, or without an emotion, needs no change of code.
 */

/** The tokenizer's end-of-text token, which every document of the training text ended with. */
export const END_OF_TEXT = '<|endoftext|>';

/** One control tag as the tokenizer knows it. */
export interface Tag {
  name: string;
  id: number;
  /** Its colour in the playground (`#rrggbb`), when the model's vocabulary gives one. */
  colour?: string;
}

/**
 * Tags that compete with each other where a sentence (or document) starts. The policy steers which
 * tag of a group is picked, never whether one is.
 * A group with `slotAfter` is a flag (the rude flag) decided right after a tag of that group: there its
 * alternative is the sentence's first word, so boost and force act as a plain choice at that one step.
 */
export interface TagGroup {
  name: string;
  tags: Tag[];
  slotAfter?: string;
  /** What a tag of this group starts: a sentence (the emotions) or a document (the genres). */
  opens?: 'sentence' | 'document';
}

/** `tagplay.json`: the groups in the order the playground lists them, each with its tags. */
export interface VocabularyFile {
  groups: {
    name: string;
    opens?: 'sentence' | 'document';
    slotAfter?: string;
    tags: { name: string; colour?: string }[];
  }[];
}

const TAG_FORM = /^<([a-z][a-z0-9_-]*)>$/;

function checkFile(file: unknown): VocabularyFile {
  const groups = (file as VocabularyFile | null)?.groups;
  const valid =
    Array.isArray(groups) &&
    groups.every(
      (g) =>
        typeof g?.name === 'string' &&
        Array.isArray(g.tags) &&
        g.tags.every((t) => typeof t?.name === 'string' && (t.colour === undefined || typeof t.colour === 'string')) &&
        (g.opens === undefined || g.opens === 'sentence' || g.opens === 'document') &&
        (g.slotAfter === undefined || typeof g.slotAfter === 'string'),
    );
  if (!valid) throw new Error('tagplay.json is not a tag vocabulary: it needs a list of groups, each with its tags.');
  return file as VocabularyFile;
}

/**
 * The tag groups of a model: every added token of the form `<name>` is a tag. With the model's
 * vocabulary file, tags are grouped and coloured as it says, in its order; a tag it lists that the
 * tokenizer lacks is left out. Without one (or for a tag it does not list), each tag is a group of its own.
 */
export function tagGroups(addedTokens: { id: number; content: string }[], file: unknown = null): TagGroup[] {
  const tags = addedTokens
    .map((t) => ({ id: t.id, name: TAG_FORM.exec(t.content)?.[1] }))
    .filter((t): t is Tag => t.name !== undefined);
  const idOf = new Map(tags.map((t) => [t.name, t.id]));
  const listed = file === null ? [] : checkFile(file).groups;
  const groups: TagGroup[] = listed.map((g) => ({
    name: g.name,
    ...(g.opens ? { opens: g.opens } : {}),
    ...(g.slotAfter ? { slotAfter: g.slotAfter } : {}),
    tags: g.tags
      .filter((t) => idOf.has(t.name))
      .map((t) => ({ name: t.name, id: idOf.get(t.name)!, ...(t.colour ? { colour: t.colour } : {}) })),
  }));
  const grouped = new Set(groups.flatMap((g) => g.tags.map((t) => t.name)));
  const alone = tags.filter((t) => !grouped.has(t.name)).map((t) => ({ name: t.name, tags: [t] }));
  return [...groups, ...alone].filter((g) => g.tags.length > 0);
}

/**
 * Special tokens that tokenizers keep for their own use (beginning, end, padding, unknown, mask, separator,
 * classifier): never tags, even in the form `<name>`.
 */
const ROLE_NAMES = new Set(['s', 'bos', 'eos', 'pad', 'unk', 'mask', 'sep', 'cls']);

/**
 * The tags a tokenizer defines: its added (special) tokens of the form `<name>`, less those it uses for its
 * own ends: `roleTokens` (the tokens its configuration names as beginning, end, padding and so on) and the
 * usual names of such tokens (`<s>`, `<pad>`, `<unk>`, …).
 */
export function discoverTags(
  addedTokens: { id: number; content: string }[],
  roleTokens: readonly string[] = [],
): { id: number; content: string }[] {
  const roles = new Set(roleTokens);
  return addedTokens.filter((t) => {
    const name = TAG_FORM.exec(t.content)?.[1];
    return name !== undefined && !roles.has(t.content) && !ROLE_NAMES.has(name);
  });
}

/** The group the default rule puts every tag in. */
export const DEFAULT_GROUP = 'tags';

/**
 * The default rule for a model without `tagplay.json`: all its tags in one group, `tags`, whose tags open
 * sentences. Inside one group a ban moves the tag's probability to the others, so a tag still starts
 * where one would have.
 */
export function defaultVocabulary(tags: readonly string[]): VocabularyFile {
  if (tags.length === 0) return { groups: [] };
  return { groups: [{ name: DEFAULT_GROUP, opens: 'sentence', tags: tags.map((name) => ({ name })) }] };
}

/** The name of a `<name>` token, or null for any other token. */
export const tagNameOf = (content: string): string | null => TAG_FORM.exec(content)?.[1] ?? null;

/** Checks that `file` has the form of `tagplay.json`; throws a message saying what is wrong otherwise. */
export const checkVocabulary = (file: unknown): VocabularyFile => checkFile(file);

export const allTags = (groups: TagGroup[]): Tag[] => groups.flatMap((g) => g.tags);

/** The names of the tags that share a group with `tag` (itself included), which a force releases. */
export const groupMembersOf =
  (groups: TagGroup[]) =>
  (tag: string): string[] =>
    groups.find((g) => g.tags.some((t) => t.name === tag))?.tags.map((t) => t.name) ?? [];

/** The tags that open a sentence, and the flag that may follow one of them (null when the model has none). */
export function sentenceTags(groups: TagGroup[]): { opening: string[]; flag: string | null } {
  const opening = groups.filter((g) => g.opens === 'sentence');
  const flag = groups.find((g) => g.slotAfter !== undefined && opening.some((o) => o.name === g.slotAfter));
  return { opening: opening.flatMap((g) => g.tags.map((t) => t.name)), flag: flag?.tags[0]?.name ?? null };
}
