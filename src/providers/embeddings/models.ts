// What is known of embedding models without asking: their own vector size, whether `dimensions`
// shortens them, and a price. Pure (workflow-safe). Prices: USD per 1M input tokens, standard
// tier — text-embedding-3-small $0.02 (OpenAI's launch post, 2024-01-25), -3-large $0.13 (OpenAI's
// model page); ada-002 $0.10 is from a secondary source (unverified). Batch-API discounts are not
// applied (not used here). A model not listed has no price: none is guessed.

export interface EmbeddingModelFacts {
  dims: number;
  shortenable: boolean;
  usdPerMillionTokens?: number;
}

const MODELS: Readonly<Record<string, EmbeddingModelFacts>> = {
  'text-embedding-3-small': { dims: 1536, shortenable: true, usdPerMillionTokens: 0.02 },
  'text-embedding-3-large': { dims: 3072, shortenable: true, usdPerMillionTokens: 0.13 },
  'text-embedding-ada-002': { dims: 1536, shortenable: false, usdPerMillionTokens: 0.1 },
};

export function embeddingModelFacts(model: string): EmbeddingModelFacts | undefined {
  return MODELS[model];
}

/** USD for `tokens`, or undefined when the price is not known. */
export function embeddingCostUsd(
  usdPerMillionTokens: number | undefined,
  tokens: number,
): number | undefined {
  return usdPerMillionTokens === undefined ? undefined : (tokens * usdPerMillionTokens) / 1_000_000;
}
