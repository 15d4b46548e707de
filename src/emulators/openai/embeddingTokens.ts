import { Tiktoken } from 'js-tiktoken/lite';
import { TokenCounter } from '../../dataset/tokens.js';

// The embedding models count in cl100k_base: the limits (8192 per input, 300 000 per request) and
// `usage` are exact counts, and token-array inputs are decoded so that the same text embeds to the
// same vector whichever way it is sent.

export interface EmbeddingTokenizer {
  count(text: string): number;
  decode(tokens: number[]): string;
}

let loading: Promise<EmbeddingTokenizer> | undefined;

/** Loaded once per process, on the first embeddings request (the ranks ship with js-tiktoken). */
export function embeddingTokenizer(): Promise<EmbeddingTokenizer> {
  loading ??= import('js-tiktoken/ranks/cl100k_base').then(({ default: ranks }) => {
    const tiktoken = new Tiktoken(ranks);
    const counter = new TokenCounter('cl100k_base', tiktoken, ranks.pat_str);
    return {
      count: (text) => counter.count(text),
      decode: (tokens) => tiktoken.decode(tokens),
    };
  });
  return loading;
}
