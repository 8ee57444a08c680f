/**
 * What the model's folder says about how well it works, read from its measurement files when it has
 * them (`FACT_FILES`): each tag's measured strength for the tag rows, and the main figures for "About
 * this model". A file that is missing or not as expected gives nothing, never an error.
 */

/** One tag's measured control strength, from `eval.json`. */
export interface TagStrength {
  /** Share of sentences the tagger labels with the tag when the tag is forced, of `sentences`. */
  forced: number;
  sentences: number;
  /** The same share in free generation. */
  free: number | null;
  /** After an opening of three sentences of the tag: the share of what follows with it, free and with it banned. */
  opening: { free: number; banned: number } | null;
}

export interface Fact {
  label: string;
  value: string;
  /** The command that measured it. */
  source: string;
}

export interface ModelFacts {
  strengths: Record<string, TagStrength>;
  about: Fact[];
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const at = (x: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), x);
const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
const commandOf = (file: unknown, fallback: string) =>
  typeof at(file, 'command') === 'string' ? (at(file, 'command') as string) : fallback;

function strengths(evaluation: unknown): Record<string, TagStrength> {
  const forced = at(evaluation, 'forcedFidelity');
  if (!isObject(forced)) return {};
  const out: Record<string, TagStrength> = {};
  for (const [tag, figures] of Object.entries(forced)) {
    const share = num(at(figures, 'share'));
    const sentences = num(at(figures, 'sentences'));
    if (share === null || sentences === null) continue;
    const openFree = num(at(evaluation, 'openings', tag, 'free'));
    const openBanned = num(at(evaluation, 'openings', tag, 'banned'));
    out[tag] = {
      forced: share,
      sentences,
      free: num(at(evaluation, 'freeGeneration', tag, 'taggerShare')),
      opening: openFree !== null && openBanned !== null ? { free: openFree, banned: openBanned } : null,
    };
  }
  return out;
}

function about(evaluation: unknown, taggerEval: unknown, agreement: unknown): Fact[] {
  const facts: Fact[] = [];
  const add = (label: string, value: string | null, source: string) => {
    if (value !== null) facts.push({ label, value, source });
  };
  const evalCommand = commandOf(evaluation, 'npm run model:eval');
  const parameters = num(at(evaluation, 'model', 'parameters'));
  add('Parameters', parameters === null ? null : `${(parameters / 1e6).toFixed(2)} M`, evalCommand);
  const steps = num(at(evaluation, 'model', 'trainingSteps'));
  add('Training steps', steps === null ? null : steps.toLocaleString('en'), evalCommand);
  const bpb = num(at(evaluation, 'heldOut', 'story', 'bitsPerByte'));
  add('Held-out stories, bits per byte (lower is better)', bpb === null ? null : bpb.toFixed(3), evalCommand);
  const auc = at(evaluation, 'temptationAuc');
  if (isObject(auc)) {
    const values = Object.values(auc)
      .map(num)
      .filter((v): v is number => v !== null);
    if (values.length > 0)
      add(
        'Temptation as a predictor of the tagger (AUC)',
        `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)} across tags`,
        evalCommand,
      );
  }
  const macroF1 = num(at(taggerEval, 'tinystoriesHeldout', 'storyTagger', 'macroF1'));
  add(
    'The tagger on hand-labelled held-out stories (macro-F1)',
    macroF1 === null ? null : macroF1.toFixed(3),
    commandOf(taggerEval, 'npm run model:tagger'),
  );
  const agreed = num(at(agreement, 'agreement'));
  const ece = num(at(agreement, 'ece'));
  add(
    "The model's expected tag is the tagger's (held-out stories)",
    agreed === null ? null : `${percent(agreed)}${ece === null ? '' : `, calibration error ${ece.toFixed(3)}`}`,
    commandOf(agreement, 'npm run model:agreement'),
  );
  return facts;
}

/** The facts the files give; null when none of them is there. */
export function modelFacts(evaluation: unknown, taggerEval: unknown, agreement: unknown): ModelFacts | null {
  if (evaluation === null && taggerEval === null && agreement === null) return null;
  return { strengths: strengths(evaluation), about: about(evaluation, taggerEval, agreement) };
}

/** A tag row's mark, and its explanation on hover. */
export function strengthText(tag: string, s: TagStrength): { mark: string; title: string } {
  const free = s.free === null ? '' : ` (free generation: ${percent(s.free)})`;
  const opening = s.opening
    ? ` After an opening of three <${tag}> sentences, ${percent(s.opening.free)} of what followed was ${tag}; ` +
      `with <${tag}> banned, ${percent(s.opening.banned)}.`
    : '';
  return {
    mark: `forced: ${(100 * s.forced).toFixed(0)} %`,
    title:
      `Forced, ${percent(s.forced)} of ${s.sentences} generated sentences were ${tag} by the tagger${free}.` +
      `${opening} Measured by npm run model:eval.`,
  };
}
