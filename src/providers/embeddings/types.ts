// The embeddings seam: what the knowledge base asks of a host, whoever it is. OpenAI and Azure
// OpenAI answer through the `openai` package (openaiCompatible.ts); another host is another
// implementation of this interface and a line in fromProvider.ts.

export interface EmbeddingLimits {
  /** Inputs in one request. */
  maxInputs: number;
  /** Tokens of one input. */
  maxTokensPerInput: number;
  /** Tokens of all inputs of one request together. */
  maxTokensPerRequest: number;
}

export interface EmbedRequest {
  /** The model family (`text-embedding-3-small`); the client maps it to what the host calls it. */
  model: string;
  /** Shorter vectors (text-embedding-3 models); omitted: the model's own size. */
  dimensions?: number;
  inputs: readonly string[];
}

export interface EmbedAnswer {
  /** One vector per input, in the inputs' order (joined on the answer's `index`). */
  vectors: Float32Array[];
  /** The host's count (`usage.prompt_tokens`). */
  promptTokens: number;
}

export interface EmbeddingsClient {
  /** `openai`, `azure`, …: recorded with every index version. */
  readonly provider: string;
  readonly limits: EmbeddingLimits;
  /** What a request carries as `model` when the host names it otherwise (an Azure deployment). */
  deploymentFor(model: string): string | undefined;
  embed(request: EmbedRequest, signal?: AbortSignal): Promise<EmbedAnswer>;
}

/** OpenAI's documented limits for /v1/embeddings (Azure's v1 reference lists the same). */
export const OPENAI_EMBEDDING_LIMITS: EmbeddingLimits = {
  maxInputs: 2048,
  maxTokensPerInput: 8192,
  maxTokensPerRequest: 300_000,
};
