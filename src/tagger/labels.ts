/**
 * The control tags the model was trained with. The tagger emits exactly one emotion per sentence plus an
 * optional rude flag.
 */
export const EMOTIONS = ['happy', 'sad', 'angry', 'scared', 'surprised', 'disgusted', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];
export const RUDE = 'rude';
export const GENRES = ['story', 'comment', 'tale'] as const;
export type Genre = (typeof GENRES)[number];
export const END_OF_TEXT = '<|endoftext|>';

export const tagToken = (name: string): string => `<${name}>`;
