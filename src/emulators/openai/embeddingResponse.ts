import type { EmulatorContext } from './context.js';
import { EMBEDDING_LIMITS, type EmbeddingModel } from './embeddingModels.js';
import type { EmbeddingRequest } from './embeddingRequest.js';
import { embeddingTokenizer } from './embeddingTokens.js';
import { embedText, shorten, toBase64 } from './embeddingVectors.js';
import { ApiError, invalidRequest } from './errors.js';

export interface EmbeddingBody {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** Reported wording for `dimensions` on a model that has a fixed size (ada-002). */
const dimensionsNotSupported = (): ApiError =>
  invalidRequest('This model does not support specifying dimensions.');

/** Reported wording (2024) for one input over the model's 8192 tokens. */
const inputTooLong = (tokens: number): ApiError =>
  invalidRequest(
    `This model's maximum context length is ${EMBEDDING_LIMITS.tokensPerInput} tokens, however you requested ${tokens} tokens (${tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
  );

/** Reported wording, type and code for a request over 300 000 tokens in all. */
const requestTooLarge = (tokens: number): ApiError =>
  new ApiError(
    400,
    `Requested ${tokens} tokens, max ${EMBEDDING_LIMITS.tokensPerRequest} tokens per request`,
    'max_tokens_per_request',
    null,
    'max_tokens_per_request',
  );

function outputDims(model: EmbeddingModel, requested: number | undefined): number {
  if (requested === undefined) return model.dims;
  if (!model.shortenable) throw dimensionsNotSupported();
  if (requested > model.dims) {
    // The wording is a guess in the API's style for bounds.
    throw invalidRequest(
      `Invalid 'dimensions': integer above maximum value. Expected a value <= ${model.dims}, but got ${requested} instead.`,
      'dimensions',
      'integer_above_max_value',
    );
  }
  return requested;
}

/**
 * The answer to an embeddings request: limits checked (per input, then per request), one unit
 * vector per input in the requested size and encoding, usage counted in cl100k_base tokens. With
 * `outOfOrder`, `data` comes back reversed (each item keeps its `index`): clients must join on it.
 */
export async function embeddingBody(
  ctx: EmulatorContext,
  model: EmbeddingModel,
  request: EmbeddingRequest,
): Promise<EmbeddingBody> {
  const dims = outputDims(model, request.dimensions);
  const tokenizer = await embeddingTokenizer();
  const texts: string[] = [];
  let total = 0;
  for (const input of request.inputs) {
    const text = 'text' in input ? input.text : tokenizer.decode(input.tokens);
    const tokens = 'text' in input ? tokenizer.count(input.text) : input.tokens.length;
    if (tokens > EMBEDDING_LIMITS.tokensPerInput) throw inputTooLong(tokens);
    total += tokens;
    texts.push(text);
  }
  if (total > EMBEDDING_LIMITS.tokensPerRequest) throw requestTooLarge(total);

  const data = texts.map((text, index) => {
    const vector = shorten(embedText(model.id, model.dims, text), dims, model.id, text);
    return {
      object: 'embedding' as const,
      index,
      embedding: request.encoding === 'base64' ? toBase64(vector) : Array.from(vector),
    };
  });
  if (ctx.embeddingsOutOfOrder) data.reverse();
  ctx.stats.countEmbeddingInputs(request.model, texts.length);
  return {
    object: 'list',
    data,
    model: model.answersAs,
    usage: { prompt_tokens: total, total_tokens: total },
  };
}
