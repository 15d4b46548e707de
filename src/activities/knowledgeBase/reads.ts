import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { embeddingModelFacts } from '../../providers/embeddingsSeam.js';
import { ErrorType } from '../../shared/errorTypes.js';
import type {
  EmbeddingSpec,
  KbLineage,
  KbQueryAnswer,
  KbQueryInput,
  ResolvedKnowledgeBase,
} from '../../shared/knowledgeBaseTypes.js';
import { KB_DEFAULTS } from '../../shared/knowledgeBaseTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { ArtifactVersion } from '../../wandb/index.js';
import { kbArtifacts } from '../../workflows/kb/rules.js';
import { gatesOf, governanceLog, promotionOf } from '../wandb/governance.js';
import { wandbCalling } from '../wandb/errors.js';
import { cacheDir, openStore, type KbActivityDeps } from './deps.js';
import { openEmbeddingCache } from './embeddingCache.js';
import { questionVectors } from './retrieval.js';
import { storeCalling } from './storeErrors.js';

// `finetune kb resolve`, `query` and `lineage`: reads on the worker, which holds the store's
// access, the provider key (a question is embedded like the index was) and the W&B key.

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

async function indexVersion(
  deps: KbActivityDeps,
  target: WandbTarget | undefined,
  kb: string,
  version: string,
): Promise<ArtifactVersion | null> {
  const wandb = deps.wandb.wandb;
  if (!target || !wandb) return null;
  const ref = `${target.entity}/${target.project}/${kbArtifacts(kb).index}:${version}`;
  return wandbCalling(`Looking up ${ref}`, () => wandb.fetchArtifact(ref));
}

const refOf = (v: ArtifactVersion) =>
  `${v.entity}/${v.project}/${v.name}:${v.version ?? v.digest.slice(0, 12)}`;

export async function readKnowledgeBase(
  deps: KbActivityDeps,
  input: { kb: string; store?: string; target?: WandbTarget },
): Promise<ResolvedKnowledgeBase | null> {
  const store = await openStore(input.store ?? deps.defaultStore);
  const resolved = await storeCalling(`Reading production of ${input.kb}`, () =>
    store.resolve(input.kb),
  );
  if (!resolved) return null;
  const v = await indexVersion(deps, input.target, input.kb, 'production');
  const promotion = v ? promotionOf(v.metadata) : null;
  const embedding = v?.metadata.embedding as { model?: unknown } | undefined;
  return {
    kb: input.kb,
    store: resolved.store,
    location: resolved.location,
    table: resolved.table,
    versionId: resolved.versionId,
    dims: resolved.dims,
    ...(input.target
      ? {
          wandb: v
            ? {
                ref: refOf(v),
                embeddingModel: str(embedding?.model),
                chunking: str(v.metadata.chunking),
                documents: str(v.metadata.documents),
                chunks: str(v.metadata.chunks),
                promotedBy: promotion?.approvedBy ?? null,
                promotedAt: promotion?.approvedAt ?? null,
              }
            : null,
        }
      : {}),
  };
}

export async function queryKnowledgeBase(
  deps: KbActivityDeps,
  input: KbQueryInput & { target?: WandbTarget },
): Promise<KbQueryAnswer> {
  const store = await openStore(input.store ?? deps.defaultStore);
  const wanted = input.version ?? 'production';
  const named = /^v\d+$/.test(wanted) || wanted === 'production' || wanted === 'latest';
  const v = named ? await indexVersion(deps, input.target, input.kb, wanted) : null;
  let versionId: string | undefined;
  if (v) versionId = str(v.metadata.store_version) ?? undefined;
  else if (wanted === 'production') versionId = (await store.production(input.kb))?.versionId;
  else if (!named) versionId = wanted;
  if (!versionId) {
    throw ApplicationFailure.nonRetryable(
      wanted === 'production'
        ? `Nothing of ${input.kb} is in production yet: name a version with --version.`
        : `No index version ${wanted} of ${input.kb}${input.target ? '' : ' (W&B is off on the worker: name a store version id)'}.`,
      ErrorType.KbInvalidInput,
    );
  }
  const reader = await storeCalling(`Opening ${versionId}`, () =>
    store.openVersion({ kb: input.kb, versionId }),
  );
  const spec = await specOf(deps, v, input.kb, input.store ?? deps.defaultStore);
  const cache = await openEmbeddingCache(cacheDir(deps), spec);
  const q = await questionVectors(
    deps,
    cache,
    spec,
    [input.question],
    Context.current().cancellationSignal,
  );
  const hits = await storeCalling('Searching the index', () =>
    reader.search({ vector: q.vectors[0]!, k: input.k ?? KB_DEFAULTS.k }),
  );
  return {
    kb: input.kb,
    versionId,
    ...(v ? { ref: refOf(v) } : {}),
    hits: hits.map((h, i) => ({
      rank: i + 1,
      docId: h.docId,
      chunkId: h.chunkId,
      distance: h.distance,
      text: h.text,
    })),
  };
}

/** How the version was embedded (its W&B record), else the default model at the index's size. */
async function specOf(
  deps: KbActivityDeps,
  v: ArtifactVersion | null,
  kb: string,
  location: string,
): Promise<EmbeddingSpec> {
  const recorded = v?.metadata.embedding as Partial<EmbeddingSpec> | undefined;
  if (recorded?.model && typeof recorded.dims === 'number' && recorded.provider) {
    return recorded as EmbeddingSpec;
  }
  const dims = (await (await openStore(location)).resolve(kb))?.dims ?? 0;
  const model = KB_DEFAULTS.embeddingModel;
  const own = embeddingModelFacts(model)?.dims;
  return {
    provider: deps.embeddings.provider,
    model,
    dims,
    ...(own !== undefined && own !== dims ? { dimensions: dims } : {}),
  };
}

export async function readKbLineage(
  deps: KbActivityDeps,
  input: { kb: string; version?: string; target: WandbTarget },
): Promise<KbLineage> {
  const wanted = input.version ?? 'production';
  const v = await indexVersion(deps, input.target, input.kb, wanted);
  if (!v) {
    throw ApplicationFailure.nonRetryable(
      `No ${kbArtifacts(input.kb).index}:${wanted} in W&B ${input.target.entity}/${input.target.project}.`,
      ErrorType.WandbNotFound,
    );
  }
  const wandb = deps.wandb.wandb!;
  const follow = async (ref: unknown) => {
    if (typeof ref !== 'string') return null;
    const found = await wandbCalling(`Looking up ${ref}`, () => wandb.fetchArtifact(ref));
    return found;
  };
  const chunks = await follow(v.metadata.chunks);
  const documents = await follow(chunks?.metadata.documents ?? v.metadata.documents);
  const m = v.metadata;
  return {
    index: {
      ref: refOf(v),
      aliases: v.aliases,
      store: str(m.store),
      location: str(m.location),
      versionId: str(m.store_version),
      embedding: (m.embedding as Record<string, unknown> | undefined) ?? null,
      chunking: str(m.chunking),
      chunks: num(m.chunk_count),
    },
    chunks: chunks
      ? { ref: refOf(chunks), aliases: chunks.aliases, count: num(chunks.metadata.chunks) }
      : null,
    documents: documents
      ? {
          ref: refOf(documents),
          aliases: documents.aliases,
          count: num(documents.metadata.documents),
        }
      : null,
    golden: str(m.golden),
    promotion: (promotionOf(m) as unknown as Record<string, unknown> | null) ?? null,
    gates: gatesOf(m).map((g) => ({ gate: g.gate, verdict: g.verdict, summary: g.summary })),
    log: governanceLog(m).map((e) => ({
      kind: e.kind,
      at: e.at,
      by: e.by,
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.comment ? { comment: e.comment } : {}),
    })),
  };
}
