import type { EmbeddingLimits } from './types.js';

// Cutting texts into requests within the API's limits. Token counts are bounded, not counted:
// cl100k_base (the embedding models' encoding) makes at most one token per UTF-8 byte, so a batch
// whose bytes fit the token limits fits them too, with no tokenizer on the hot path. The provider's
// own count (`usage`) is what cost and the reports use.

export interface BatchLimits {
  /** Inputs per request (at most the API's 2048). */
  maxInputs: number;
  /** Upper bound of tokens per request (at most the API's 300 000). */
  maxTokens: number;
}

export function batchLimits(api: EmbeddingLimits, maxInputs = 512): BatchLimits {
  return { maxInputs: Math.min(maxInputs, api.maxInputs), maxTokens: api.maxTokensPerRequest };
}

/** A bound on the tokens of a text: its UTF-8 length. */
export const tokenBound = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Consecutive batches of indexes into `texts`: each within both limits, none empty. A single text
 * over `maxTokens` gets a batch of its own (the API then says what is wrong with it).
 */
export function planBatches(texts: readonly string[], limits: BatchLimits): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let tokens = 0;
  texts.forEach((text, i) => {
    const t = tokenBound(text);
    if (
      current.length > 0 &&
      (current.length >= limits.maxInputs || tokens + t > limits.maxTokens)
    ) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(i);
    tokens += t;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
