/** The decoder's dimensions, read from the model's `config.json` so a re-exported model needs no code change. */
export interface ModelShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  maxPositions: number;
}

interface LlamaConfig {
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  hidden_size: number;
  head_dim?: number;
  vocab_size: number;
  max_position_embeddings: number;
}

export function modelShape(config: LlamaConfig): ModelShape {
  return {
    layers: config.num_hidden_layers,
    kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
    // Older llama configs leave head_dim out; it is then hidden_size / heads.
    headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
    vocab: config.vocab_size,
    maxPositions: config.max_position_embeddings,
  };
}

/** The names of the cache inputs, in the order the graph declares them. */
export const pastNames = (shape: ModelShape): string[] =>
  Array.from({ length: shape.layers }, (_, layer) => [
    `past_key_values.${layer}.key`,
    `past_key_values.${layer}.value`,
  ]).flat();
