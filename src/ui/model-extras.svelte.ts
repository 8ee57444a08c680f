import { errorText } from '../error-text';
import { modelFacts, type ModelFacts } from '../model/model-facts';
import { parseJsonFile, type OwnModel } from '../model/own-model';
import type { SentenceLabel, Tagger } from '../tagger';
import type { TaggedSentence } from '../transcript/cut-at-tags';
import { parseTagger } from '../tagger/weights-file';
import { FACT_FILES } from '../worker/model-files';
import { crossCheck, loadTagger, type Verdict } from './cross-check';

/**
 * What a model's folder holds beside the model itself, each optional: the tagger that labelled its training data
 * (for the cross-check, Measure and Inspect) and its measurements (for the tag rows and "About this model").
 */
export class ModelExtras {
  /** What the model's folder says of how well it works; null when it has no measurements. */
  facts = $state.raw<ModelFacts | null>(null);
  taggerError = $state<string | null>(null);
  /** The model has no `tagger.json`: the tagger's features (cross-check, Measure, Inspect) are off. */
  noTagger = $state(false);

  private tagger = $state.raw<Tagger | null>(null);
  /** The model whose extras are loaded. */
  private loadedFor: string | null = null;
  // A cache read while rendering, never a reason to re-render.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly labels = new Map<string, SentenceLabel>();

  /** The tagger's label for each finished sentence, and whether the model's tag agrees with it. */
  verdicts(sentences: TaggedSentence[]): Verdict[] {
    return this.tagger ? crossCheck(sentences, this.tagger, this.labels) : [];
  }

  /**
   * Loads the extras of model `id`: read from a model the user opened (`own`), or fetched once from the site's
   * model folder at `folder` (a URL ending in `/`). The site's tagger that failed to load is asked for again on the
   * next call; its measurements are not.
   */
  load(id: string, own: OwnModel | null, folder: string): void {
    if (this.loadedFor === id && (own || this.tagger || this.taggerError === null)) return;
    const fresh = this.loadedFor !== id;
    this.loadedFor = id;
    this.labels.clear();
    this.tagger = null;
    this.taggerError = null;
    this.noTagger = false;
    if (own) this.read(own);
    else this.fetch(id, folder, fresh);
  }

  private read(own: OwnModel): void {
    const json = (file: string) => {
      try {
        return parseJsonFile(own.files, file);
      } catch {
        return null;
      }
    };
    this.facts = modelFacts(...(FACT_FILES.map(json) as [unknown, unknown, unknown]));
    if (own.files['tagger.json'] === undefined) this.noTagger = true;
    else
      try {
        this.tagger = parseTagger(parseJsonFile(own.files, 'tagger.json'));
      } catch (error) {
        this.taggerError = errorText(error);
      }
  }

  private fetch(id: string, folder: string, fresh: boolean): void {
    const current = () => this.loadedFor === id;
    if (fresh) {
      this.facts = null;
      const optional = (file: string) =>
        fetch(folder + file)
          .then((response) => (response.ok ? (response.json() as Promise<unknown>) : null))
          .catch(() => null);
      void Promise.all(FACT_FILES.map(optional)).then(([evaluation, taggerEval, agreement]) => {
        if (current()) this.facts = modelFacts(evaluation, taggerEval, agreement);
      });
    }
    loadTagger(`${folder}tagger.json`)
      .then((weights) => {
        if (current()) this.tagger = weights;
      })
      .catch((error: unknown) => {
        if (current()) this.taggerError = errorText(error);
      });
  }
}
