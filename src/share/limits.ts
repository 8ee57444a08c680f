/**
 * Bounds on everything a share link may carry. The decoder enforces them, and the UI can use them
 * for its input controls, so a state the UI produces always decodes again.
 */
export const LIMITS = {
  promptLength: 4_000,
  seedMax: 2 ** 32 - 1,
  temperatureMax: 2,
  /** 0 means "keep all tokens". */
  topKMax: 4_096,
  maxNewTokensMax: 1_000,
  /** Tokens per second; 0 means as fast as possible. */
  paceMax: 1_000,
  timelineEntries: 10_000,
  /** Samples of one "Measure", and the sentences after a lifted ban it counts a comeback in. */
  measureSamples: 500,
  measureWithin: 20,
  /** The model's folder name. */
  modelNameLength: 200,
  /** Characters of the encoded link; checked before anything is decompressed. */
  encodedLength: 1_000_000,
  /**
   * Characters the link may expand to. A maximal legal state (a 4,000-character prompt of escaped
   * control characters and 10,000 of the longest timeline entries, in the run and in its measurement's
   * settings, and 10,000 more in its fork) is about 3 million characters of JSON (share-codec.test.ts).
   */
  decodedLength: 4_000_000,
} as const;
