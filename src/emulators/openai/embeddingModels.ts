import { modelNotFound } from './chatModels.js';

/** An embedding model as the emulator serves it. */
export interface EmbeddingModel {
  /** The id requests use, e.g. `text-embedding-3-small`. */
  id: string;
  /** What responses name as `model` (ada-002 answers as `text-embedding-ada-002-v2`, observed). */
  answersAs: string;
  /** Vector length without `dimensions`. */
  dims: number;
  /** Whether `dimensions` may shorten it (text-embedding-3 and later only). */
  shortenable: boolean;
}

// Sizes: 1536 / 3072 / 1536; only the -3 models take `dimensions` (OpenAI's API description and
// the facts sheet §1.1).
const MODELS: readonly EmbeddingModel[] = [
  {
    id: 'text-embedding-3-small',
    answersAs: 'text-embedding-3-small',
    dims: 1536,
    shortenable: true,
  },
  {
    id: 'text-embedding-3-large',
    answersAs: 'text-embedding-3-large',
    dims: 3072,
    shortenable: true,
  },
  {
    id: 'text-embedding-ada-002',
    answersAs: 'text-embedding-ada-002-v2',
    dims: 1536,
    shortenable: false,
  },
];

/** Limits every embedding model enforces per request (OpenAI's API description). */
export const EMBEDDING_LIMITS = {
  inputsPerRequest: 2048,
  tokensPerInput: 8192,
  tokensPerRequest: 300_000,
} as const;

export function embeddingModelById(id: string): EmbeddingModel | undefined {
  return MODELS.find((m) => m.id === id);
}

/**
 * OpenAI: the model a request names, or the 404 the API gives for a model it does not know (what
 * it answers for a chat model asked to embed is not verified; the emulator says "not found").
 */
export function resolveEmbeddingModel(requested: string): EmbeddingModel {
  const model = embeddingModelById(requested);
  if (!model) throw modelNotFound(requested);
  return model;
}
