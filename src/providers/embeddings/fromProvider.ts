import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import type { FineTuneProvider } from '../types.js';
import { openAICompatibleEmbeddings } from './openaiCompatible.js';
import { OPENAI_EMBEDDING_LIMITS, type EmbeddingsClient } from './types.js';

/**
 * The worker's embeddings host: its provider's own client, so embeddings share the worker's key,
 * base URL and rate limiter. OpenAI takes the model's name; Azure OpenAI a deployment of it, from
 * AZURE_DEPLOYMENTS (`text-embedding-3-small=my-embeddings`), as for its chat models. Both speak
 * /v1/embeddings through the `openai` package. A provider without an OpenAI-compatible client
 * (Together) has no embeddings here yet: an ingest on it fails at its pre-flight, saying so.
 */
export function embeddingsFromProvider(provider: FineTuneProvider): EmbeddingsClient {
  const client = (provider as FineTuneProvider & { client?: OpenAI }).client;
  if (!client) {
    return {
      provider: provider.name,
      limits: OPENAI_EMBEDDING_LIMITS,
      deploymentFor: () => undefined,
      embed: () =>
        Promise.reject(
          ApplicationFailure.nonRetryable(
            `The knowledge base embeds through OpenAI or Azure OpenAI; this worker's provider is ${provider.label}. Run the ingest on a worker with FINETUNE_PROVIDER=openai or azure (its own --task-queue).`,
            ErrorType.KbInvalidInput,
          ),
        ),
    };
  }
  return openAICompatibleEmbeddings({
    client,
    provider: provider.name,
    deploymentFor: (model) => {
      const named = provider.chatModelFor(model);
      return named !== model ? named : undefined;
    },
  });
}
