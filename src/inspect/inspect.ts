/**
 * Inspect a text: the tagger labels it, the model reads it once, and each sentence's tag is compared
 * with what the model expected there. The same code runs in the browser worker and in Node
 * (`npm run model:agreement`).
 */
import type { LoadedModel } from '../model/causal-lm';
import type { TagGroup } from '../steering/tags';
import type { Tagger } from '../tagger/index';
import { agreementOf, topTag, type Agreement } from './agreement';
import { expectations, type ScoreAll } from './expectations';
import { prepareText } from './prepare';

/** Tokens of context kept before the first position a window answers for, when a text is longer than the context. */
export const OVERLAP = 128;

export interface InspectedSentence {
  text: string;
  /** The tagger's tag for the sentence. */
  tagger: string;
  /** The model's most probable tag there, before it saw the tagger's, and its probability within the group. */
  model: string;
  probability: number;
  /** Each of the group's tags, in `InspectResult.tags` order. */
  probabilities: number[];
}

export interface InspectResult {
  /** The group compared (the tags that open a sentence). */
  group: string;
  tags: string[];
  sentences: InspectedSentence[];
  /** The tagged text token by token, with the probability the model gave a sentence start there. */
  tokens: { text: string; start: number }[];
  agreement: Agreement;
  /** Passes over the text: more than one when it is longer than the context. */
  windows: number;
  maxLength: number;
  overlap: number;
  /** Tags typed in the text, taken out before tagging. */
  removedTags: number;
}

export interface InspectModel {
  groups: TagGroup[];
  encode(text: string): number[];
  tokenText(id: number): string;
  score: ScoreAll;
  maxLength: number;
}

/** A loaded model as `inspectText` reads it; `tokenText` gives a token's text on its own. */
export function inspectModel(loaded: LoadedModel, tokenText: (id: number) => string): InspectModel {
  return {
    groups: loaded.groups,
    encode: (text) => loaded.tokenizer.encode(text, { add_special_tokens: false }),
    tokenText,
    score: (ids) => loaded.lm.scoreAll(ids),
    maxLength: loaded.lm.maxLength,
  };
}

/** The group whose tags open sentences: the one compared with the tagger. */
export function sentenceGroup(groups: TagGroup[]): TagGroup {
  const group = groups.find((g) => g.opens === 'sentence' && !g.slotAfter);
  if (!group) throw new Error('This model has no group of tags that open sentences, so there is nothing to compare.');
  return group;
}

export async function inspectText(text: string, tagger: Tagger, model: InspectModel): Promise<InspectResult> {
  const group = sentenceGroup(model.groups);
  const tags = group.tags.map((t) => t.name);
  const prepared = prepareText(
    text,
    tagger,
    model.groups.flatMap((g) => g.tags.map((t) => t.name)),
  );
  const ids = model.encode(prepared.tagged);
  const expected = await expectations(ids, group, model.score, { maxLength: model.maxLength, overlap: OVERLAP });
  if (expected.forecasts.length !== prepared.sentences.length)
    throw new Error(
      `The tagger labelled ${prepared.sentences.length} sentences but the model reads ` +
        `${expected.forecasts.length} of its tags: ` +
        'the tagger uses a tag this model does not have.',
    );
  const sentences = prepared.sentences.map((s, i) => {
    const forecast = expected.forecasts[i];
    const top = topTag(forecast, tags);
    return {
      text: s.text,
      tagger: forecast.actual,
      model: top.tag,
      probability: top.probability,
      probabilities: forecast.probabilities,
    };
  });
  return {
    group: group.name,
    tags,
    sentences,
    tokens: ids.map((id, i) => ({ text: model.tokenText(id), start: expected.startProbability[i] })),
    agreement: agreementOf(expected.forecasts, tags),
    windows: expected.windows,
    maxLength: model.maxLength,
    overlap: OVERLAP,
    removedTags: prepared.removedTags,
  };
}
