import type OpenAI from 'openai';
import { OPENAI_EMBEDDING_LIMITS, type EmbedAnswer, type EmbeddingsClient } from './types.js';

/** Little-endian float32 bytes, as base64: what `encoding_format: "base64"` returns. */
export function decodeBase64Vector(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length % 4 !== 0)
    throw new Error(`an embedding of ${bytes.length} bytes is no float32 vector`);
  const v = new Float32Array(bytes.length / 4);
  for (let i = 0; i < v.length; i++) v[i] = bytes.readFloatLE(i * 4);
  return v;
}

export interface OpenAICompatibleOptions {
  client: OpenAI;
  provider: string;
  /** The deployment a model is called by (Azure); undefined: the model's own name. */
  deploymentFor?: (model: string) => string | undefined;
}

/**
 * Embeddings through the `openai` client the worker's provider already has (so every request
 * waits for the worker's rate limiter, and 429s pause it). `encoding_format` is set explicitly
 * (base64: a quarter of the JSON's size) and decoded here; results are joined on `index`, never
 * by position: the API does not promise the order.
 */
export function openAICompatibleEmbeddings(o: OpenAICompatibleOptions): EmbeddingsClient {
  const deploymentFor = (model: string) => o.deploymentFor?.(model);
  return {
    provider: o.provider,
    limits: OPENAI_EMBEDDING_LIMITS,
    deploymentFor,
    async embed(request, signal): Promise<EmbedAnswer> {
      const response = await o.client.embeddings.create(
        {
          model: deploymentFor(request.model) ?? request.model,
          input: [...request.inputs],
          encoding_format: 'base64',
          ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
        },
        { signal },
      );
      const vectors: (Float32Array | undefined)[] = request.inputs.map(() => undefined);
      for (const item of response.data) {
        const raw = item.embedding as unknown;
        vectors[item.index] =
          typeof raw === 'string' ? decodeBase64Vector(raw) : Float32Array.from(raw as number[]);
      }
      const missing = vectors.findIndex((v) => v === undefined);
      if (missing >= 0 || response.data.length !== request.inputs.length) {
        throw new Error(
          `the embeddings answer has ${response.data.length} vectors for ${request.inputs.length} inputs (index ${missing} missing)`,
        );
      }
      return {
        vectors: vectors as Float32Array[],
        promptTokens: response.usage?.prompt_tokens ?? 0,
      };
    },
  };
}
