declare const __TAGPLAY_README__: string | null | undefined;

/** The README's "How it works" online, when the build knew the repository (see `site/readme-address.ts`). */
export const README_HOW_IT_WORKS: string | null = typeof __TAGPLAY_README__ === 'string' ? __TAGPLAY_README__ : null;
