/**
 * Texts to inspect, from TinyStories' held-out split (never trained on): Eldan & Li, 2023, under
 * CDLA-Sharing-1.0 (`../shared/corpora/README.md` lists where the recipe's copy comes from).
 */
import examples from './examples.json' with { type: 'json' };

export const EXAMPLES_SOURCE: string = examples.source;
export const EXAMPLES: { title: string; text: string }[] = examples.examples;
