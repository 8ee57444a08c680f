import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFacts, strengthText } from '../../src/model/model-facts';
import { MODEL_DIR } from '../../models/recipe/paths';

const read = (file: string): unknown => JSON.parse(readFileSync(join(MODEL_DIR, file), 'utf8'));

describe("the model folder's measurements", () => {
  it("give every evaluated tag its forced fidelity and ban efficacy, and the card's main figures", () => {
    const evaluation = read('eval.json') as { forcedFidelity: Record<string, { share: number; sentences: number }> };
    const facts = modelFacts(evaluation, read('tagger-eval.json'), read('agreement.json'))!;
    expect(Object.keys(facts.strengths).sort()).toEqual(Object.keys(evaluation.forcedFidelity).sort());
    for (const [tag, s] of Object.entries(facts.strengths)) {
      expect(s.forced).toBe(evaluation.forcedFidelity[tag].share);
      expect(s.sentences).toBe(evaluation.forcedFidelity[tag].sentences);
    }
    const happy = strengthText('happy', facts.strengths.happy);
    expect(happy.mark).toBe(`forced: ${Math.round(100 * evaluation.forcedFidelity.happy.share)} %`);
    expect(happy.title).toMatch(/with <happy> banned, \d+\.\d %/);
    expect(facts.about.map((f) => f.label)).toEqual([
      'Parameters',
      'Training steps',
      'Held-out stories, bits per byte (lower is better)',
      'Temptation as a predictor of the tagger (AUC)',
      'The tagger on hand-labelled held-out stories (macro-F1)',
      "The model's expected tag is the tagger's (held-out stories)",
    ]);
  });

  it('give nothing for a folder without them, and skip what is not as expected', () => {
    expect(modelFacts(null, null, null)).toBeNull();
    const odd = modelFacts({ forcedFidelity: { happy: { share: 'much' } }, model: [] }, null, { agreement: 0.5 })!;
    expect(odd.strengths).toEqual({});
    expect(odd.about.map((f) => f.value)).toEqual(['50.0 %']);
  });
});
