import { loadNodeModel } from '../../../models/recipe/load-node';
import type { LoadedModel } from '../../../src/model/causal-lm';
import { Generation, type GenerationSettings, type Step } from '../../../src/steering/engine';

/** The committed model in Node, loaded once per test file through the browser's own code path. */
let loaded: Promise<LoadedModel> | null = null;
export const realModel = (): Promise<LoadedModel> => (loaded ??= loadNodeModel(1));

export const encodePrompt = (model: LoadedModel, prompt: string): number[] =>
  model.tokenizer.encode(prompt, { add_special_tokens: false });

/** Runs a generation to its end and returns its steps. */
export async function generate(model: LoadedModel, settings: GenerationSettings): Promise<Step[]> {
  const generation = new Generation(model.lm, model.groups, settings);
  const steps: Step[] = [];
  for (let step = await generation.step(); step; step = await generation.step()) steps.push(step);
  return steps;
}
