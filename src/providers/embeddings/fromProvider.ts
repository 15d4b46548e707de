import type { FineTuneProvider } from '../types.js';
import { openAICompatibleEmbeddings } from './openaiCompatible.js';
import type { EmbeddingsClient } from './types.js';

/**
 * The worker's embeddings host: its provider's own client, so embeddings share the worker's key,
 * base URL and rate limiter. OpenAI takes the model's name; Azure OpenAI a deployment of it, from
 * AZURE_DEPLOYMENTS (`text-embedding-3-small=my-embeddings`), as for its chat models. Both speak
 * /v1/embeddings through the `openai` package.
 */
export function embeddingsFromProvider(provider: FineTuneProvider): EmbeddingsClient {
  return openAICompatibleEmbeddings({
    client: provider.client,
    provider: provider.name,
    deploymentFor: (model) => {
      const named = provider.chatModelFor(model);
      return named !== model ? named : undefined;
    },
  });
}
