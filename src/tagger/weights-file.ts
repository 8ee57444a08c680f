import { EMOTIONS, type Emotion } from './labels';
import type { Tagger } from './index';

/**
 * `tagger.json` as stored: weights (already rounded to hundredths) as little-endian int16 in base64,
 * with the feature names newline-joined. A third the size of plain JSON, and exactly the same numbers.
 */
export interface PackedTagger {
  format: 'tagplay-tagger-2';
  labels: Emotion[];
  bias: number[];
  features: string;
  weights: string;
  story: Tagger['story'];
}

const SCALE = 100;

export function packTagger({ classifier: model, story }: Tagger): PackedTagger {
  const names = Object.keys(model.weights);
  const k = model.labels.length;
  const ints = new Int16Array(names.length * k);
  names.forEach((name, i) =>
    model.weights[name].forEach((w, j) => {
      ints[i * k + j] = Math.round(w * SCALE);
    }),
  );
  const bytes = new Uint8Array(ints.buffer);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return {
    format: 'tagplay-tagger-2',
    labels: model.labels,
    bias: model.bias,
    features: names.join('\n'),
    weights: btoa(binary),
    story,
  };
}

const isNumberMap = (v: unknown): v is Partial<Record<Emotion, number>> =>
  typeof v === 'object' &&
  v !== null &&
  Object.entries(v).every(([k, n]) => (EMOTIONS as readonly string[]).includes(k) && typeof n === 'number');

/** Validates and unpacks `tagger.json`; throws a message that names what is wrong. */
export function parseTagger(value: unknown): Tagger {
  const v = value as Partial<PackedTagger> | null;
  if (!v || v.format !== 'tagplay-tagger-2') throw new Error('tagger.json: unknown format');
  if (!v.story || !isNumberMap(v.story.carry) || !isNumberMap(v.story.minProbability))
    throw new Error('tagger.json: bad story settings');
  if (!Array.isArray(v.labels) || !v.labels.every((l) => (EMOTIONS as readonly string[]).includes(l)))
    throw new Error('tagger.json: bad labels');
  if (!Array.isArray(v.bias) || v.bias.length !== v.labels.length) throw new Error('tagger.json: bad bias');
  if (typeof v.features !== 'string' || typeof v.weights !== 'string') throw new Error('tagger.json: missing weights');
  const names = v.features.split('\n');
  const binary = atob(v.weights);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const ints = new Int16Array(bytes.buffer);
  const k = v.labels.length;
  if (ints.length !== names.length * k) throw new Error('tagger.json: weights do not match features');
  const weights: Record<string, number[]> = {};
  names.forEach((name, i) => {
    weights[name] = Array.from(ints.subarray(i * k, i * k + k), (n) => n / SCALE);
  });
  return {
    classifier: { labels: v.labels, bias: v.bias, weights },
    story: { carry: v.story.carry, minProbability: v.story.minProbability },
  };
}
