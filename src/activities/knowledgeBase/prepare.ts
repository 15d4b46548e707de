import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { embeddingModelFacts } from '../../providers/embeddingsSeam.js';
import { ErrorType } from '../../shared/errorTypes.js';
import type { EmbeddingConfig, EmbeddingSpec, StoreRef } from '../../shared/knowledgeBaseTypes.js';
import { KB_DEFAULTS } from '../../shared/knowledgeBaseTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { kbArtifacts } from '../../workflows/kb/rules.js';
import { wandbCalling } from '../wandb/errors.js';
import { openStore, storeRef, type KbActivityDeps, providerCalling } from './deps.js';
import { storeCalling } from './storeErrors.js';

export interface PrepareKbInput {
  kb: string;
  store?: string;
  embedding?: EmbeddingConfig;
  /** Reads the production index version's record (its embedding model) when W&B is on. */
  target?: WandbTarget;
}

export interface PreparedKb {
  store: StoreRef;
  /** The store's version production holds, or null. */
  production: string | null;
  embedding: EmbeddingSpec;
  /** The version the candidate is copied forward from (production), or null: built from nothing. */
  base: string | null;
  /** Why production's vectors are not reused, when they are not. */
  baseNote?: string;
}

/**
 * The ingest's pre-flight, before anything is read or spent: which store and what production holds
 * there, and which embeddings — checked with one tiny request (the key, the model or Azure
 * deployment, the vector size). Production's vectors are reused only when they were made the same
 * way: another model or size means building from nothing (LanceDB keeps one size per table, so a
 * new size there needs a new knowledge-base name).
 */
export async function prepareKnowledgeBase(
  deps: KbActivityDeps,
  input: PrepareKbInput,
): Promise<PreparedKb> {
  const signal = Context.current().cancellationSignal;
  const location = input.store ?? deps.defaultStore;
  const ref = storeRef(location);
  const store = await openStore(location);
  const resolved = await storeCalling(`Reading production of ${input.kb}`, () =>
    store.resolve(input.kb),
  );
  const embedding = await describeEmbedding(deps, input.embedding ?? {}, signal);
  const production = resolved?.versionId ?? null;
  const prepared: PreparedKb = { store: ref, production, embedding, base: production };
  if (!resolved) return prepared;
  if (resolved.dims !== embedding.dims) {
    if (ref.kind === 'lancedb') {
      throw ApplicationFailure.nonRetryable(
        `Knowledge base ${input.kb} in ${ref.location} stores ${resolved.dims}-dimensional vectors, not ${embedding.dims}: a LanceDB table keeps one vector size, so embed with --dimensions ${resolved.dims} or ingest under a new knowledge-base name.`,
        ErrorType.KbStoreRefused,
      );
    }
    return {
      ...prepared,
      base: null,
      baseNote: `production holds ${resolved.dims}-dimensional vectors`,
    };
  }
  const made = input.target ? await productionEmbedding(deps, input.target, input.kb) : undefined;
  if (made && (made.provider !== embedding.provider || made.model !== embedding.model)) {
    return {
      ...prepared,
      base: null,
      baseNote: `production was embedded with ${made.provider} ${made.model}; every chunk is embedded again with ${embedding.model}`,
    };
  }
  return prepared;
}

/** The embedding spec, confirmed by the host: one request of one short input. */
async function describeEmbedding(
  deps: KbActivityDeps,
  config: EmbeddingConfig,
  signal: AbortSignal,
): Promise<EmbeddingSpec> {
  const model = config.model ?? KB_DEFAULTS.embeddingModel;
  const facts = embeddingModelFacts(model);
  if (
    facts &&
    !facts.shortenable &&
    config.dimensions !== undefined &&
    config.dimensions !== facts.dims
  ) {
    throw ApplicationFailure.nonRetryable(
      `${model} makes ${facts.dims}-dimensional vectors and cannot shorten them: leave --dimensions out, or use a text-embedding-3 model.`,
      ErrorType.KbInvalidInput,
    );
  }
  const client = deps.embeddings;
  const deployment = client.deploymentFor(model);
  const probe = await providerCalling(deps)(
    `Checking ${client.provider} embeddings with ${deployment ? `deployment ${deployment} of ` : ''}${model}`,
    () =>
      client.embed({ model, dimensions: config.dimensions, inputs: ['dimension check'] }, signal),
  );
  const dims = probe.vectors[0]?.length ?? 0;
  if (config.dimensions !== undefined && dims !== config.dimensions) {
    throw ApplicationFailure.nonRetryable(
      `${model} answered ${dims}-dimensional vectors although ${config.dimensions} were asked for.`,
      ErrorType.KbInvalidInput,
    );
  }
  return {
    provider: client.provider,
    model,
    ...(deployment ? { deployment } : {}),
    dims,
    ...(config.dimensions !== undefined ? { dimensions: config.dimensions } : {}),
    ...(facts?.usdPerMillionTokens !== undefined
      ? { usdPerMillionTokens: facts.usdPerMillionTokens }
      : {}),
  };
}

/** How the index version in production was embedded, as its W&B record says (undefined: unknown). */
async function productionEmbedding(
  deps: KbActivityDeps,
  target: WandbTarget,
  kb: string,
): Promise<{ provider: string; model: string } | undefined> {
  const wandb = deps.wandb.wandb;
  if (!wandb) return undefined;
  const ref = `${target.entity}/${target.project}/${kbArtifacts(kb).index}:production`;
  const version = await wandbCalling(`Looking up ${ref}`, () => wandb.fetchArtifact(ref));
  const e = version?.metadata.embedding as { provider?: unknown; model?: unknown } | undefined;
  return typeof e?.provider === 'string' && typeof e.model === 'string'
    ? { provider: e.provider, model: e.model }
    : undefined;
}
