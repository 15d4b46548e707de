import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { batchLimits, embeddingCostUsd, planBatches } from '../../providers/embeddingsSeam.js';
import { ErrorType } from '../../shared/errorTypes.js';
import type {
  ChunkStrategy,
  CorpusChange,
  EmbeddingSpec,
  EmbedReport,
} from '../../shared/knowledgeBaseTypes.js';
import type { CandidateWriter, ChunkRecord } from '../../vectorStores/index.js';
import type { Pulse } from '../pulse.js';
import type { Chunk } from './chunking.js';
import { ensureCorpus, readChunks } from './corpus.js';
import { corpusChange } from './corpusDiff.js';
import { cacheDir, runDir, type KbActivityDeps, providerCalling } from './deps.js';
import { openEmbeddingCache, type CachedVector, type EmbeddingCache } from './embeddingCache.js';
import { storeCalling } from './storeErrors.js';

// Embedding and writing the candidate, in one activity so that no vector is read back: each batch
// is embedded, committed to the embedding cache, then upserted into the candidate. What is done
// is read from the cache and the candidate themselves, never from a checkpoint, so an attempt that
// follows a killed worker writes exactly what is missing: a batch the cache has is not embedded
// again (only the batches in flight when the worker died are), a batch written twice leaves each
// chunk once (upsert by chunk id), and chunks the manifest no longer has are deleted.

export interface EmbedWriteInput {
  kb: string;
  /** The store's location, as the pre-flight resolved it. */
  store: string;
  candidateId: string;
  /** Copy forward from this sealed version (production), or build from nothing. */
  base: string | null;
  /** Production, for the corpus-change measurement (it may differ from `base`). */
  production: string | null;
  embedding: EmbeddingSpec;
  corpus: {
    sources: string[];
    strategy: ChunkStrategy;
    documentsDigest: string;
    chunkSetDigest: string;
  };
}

export interface EmbedWriteResult {
  report: EmbedReport;
  change: CorpusChange;
}

/** Heartbeat details: progress, and the counts earlier attempts reached (as of their last beat). */
export interface EmbedCheckpoint {
  keptFromBase: number;
  requested: number;
  requests: number;
  tokens: number;
  /** Chunks whose vectors came from this run's requests. */
  chunksEmbedded: number;
  written: number;
}

/** Rows per upsert. */
const WRITE_SLICE = 1000;

const record = (c: Chunk, vector: Float32Array): ChunkRecord => ({
  chunkId: c.id,
  docId: c.doc,
  contentHash: c.hash,
  text: c.text,
  start: c.start,
  end: c.end,
  vector,
});

/** One write at a time (cache, then candidate): commits do not contend, and order is kept. */
function serial() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}

export async function embedAndWrite(
  deps: KbActivityDeps,
  input: EmbedWriteInput,
  pulse: Pulse<EmbedCheckpoint>,
): Promise<EmbedWriteResult> {
  const ctx = Context.current();
  const spec = input.embedding;
  const dir = runDir(deps, input.kb, input.candidateId);
  await ensureCorpus(
    dir,
    { sources: input.corpus.sources, strategy: input.corpus.strategy },
    input.corpus,
  );
  const chunks: Chunk[] = [];
  for await (const c of readChunks(dir)) chunks.push(c);

  const store = await deps.openWriteStore(input.store);
  const base = input.base ? { kb: input.kb, versionId: input.base } : undefined;
  const candidate = await storeCalling(
    `Opening candidate ${input.candidateId} of ${input.kb}`,
    () =>
      store.openCandidate({ kb: input.kb, candidateId: input.candidateId, dims: spec.dims, base }),
  );

  // What the candidate holds now: production's chunks (copied forward), or an earlier attempt's.
  const seen = new Map<string, number>();
  for (const id of await candidate.listIds()) seen.set(id, (seen.get(id) ?? 0) + 1);
  const wanted = new Set(chunks.map((c) => c.id));
  const extra = [...seen].filter(([id, n]) => !wanted.has(id) || n > 1).map(([id]) => id);
  await storeCalling('Deleting stale chunks from the candidate', () => candidate.deleteIds(extra));
  const missing = chunks.filter((c) => !(seen.get(c.id) === 1));

  const before = input.production
    ? await (await store.openVersion({ kb: input.kb, versionId: input.production })).listIds()
    : [];
  const change = corpusChange(input.production, before, wanted);

  const prior = ctx.info.heartbeatDetails as EmbedCheckpoint | undefined;
  const progress: EmbedCheckpoint = prior ?? {
    keptFromBase: chunks.length - missing.length,
    requested: 0,
    requests: 0,
    tokens: 0,
    chunksEmbedded: 0,
    written: 0,
  };
  pulse.checkpoint(progress);

  const byHash = new Map<string, Chunk[]>();
  for (const c of missing) {
    const list = byHash.get(c.hash);
    if (list) list.push(c);
    else byHash.set(c.hash, [c]);
  }
  const cache = await openEmbeddingCache(cacheDir(deps), spec);
  const cached = await cache.has([...byHash.keys()]);
  const write = serial();
  const writeVectors = async (vectors: readonly CachedVector[]) => {
    const rows = vectors.flatMap((v) => byHash.get(v.hash)!.map((c) => record(c, v.vector)));
    for (let i = 0; i < rows.length; i += WRITE_SLICE) {
      await writeRows(candidate, rows.slice(i, i + WRITE_SLICE));
    }
    progress.written += rows.length;
    pulse.checkpoint(progress);
    return rows.length;
  };

  // Vectors this worker has from earlier runs: straight into the candidate.
  const fromCache = [...cached];
  for (let i = 0; i < fromCache.length; i += WRITE_SLICE) {
    const got = await cache.get(fromCache.slice(i, i + WRITE_SLICE));
    await write(() => writeVectors([...got].map(([hash, vector]) => ({ hash, vector }))));
  }

  // The rest: embedded in batches, a few in flight, each cached, then written.
  const todo = [...byHash.keys()].filter((h) => !cached.has(h));
  const texts = todo.map((h) => byHash.get(h)![0]!.text);
  const batches = planBatches(texts, batchLimits(deps.embeddings.limits, deps.batchInputs));
  await inParallel(
    batches,
    deps.embedConcurrency,
    ctx.cancellationSignal,
    async (batch, signal) => {
      const inputs = batch.map((i) => texts[i]!);
      const answer = await providerCalling(deps)(
        `Embedding ${inputs.length} chunks with ${spec.model}`,
        () =>
          deps.embeddings.embed({ model: spec.model, dimensions: spec.dimensions, inputs }, signal),
      );
      const vectors = answer.vectors.map((vector, j) => {
        if (vector.length !== spec.dims) {
          throw ApplicationFailure.nonRetryable(
            `${spec.model} answered a ${vector.length}-dimensional vector; this index stores ${spec.dims}.`,
            ErrorType.KbInvalidInput,
          );
        }
        return { hash: todo[batch[j]!]!, vector };
      });
      await write(async () => {
        await putInCache(cache, vectors);
        progress.requested += inputs.length;
        progress.requests += 1;
        progress.tokens += answer.promptTokens;
        progress.chunksEmbedded += await writeVectors(vectors);
      });
    },
  );

  const report: EmbedReport = {
    chunks: chunks.length,
    keptFromBase: progress.keptFromBase,
    reusedFromCache: Math.max(0, chunks.length - progress.keptFromBase - progress.chunksEmbedded),
    requested: progress.requested,
    requests: progress.requests,
    tokens: progress.tokens,
    written: progress.written,
    deleted: extra.length,
  };
  const cost = embeddingCostUsd(spec.usdPerMillionTokens, progress.tokens);
  if (cost !== undefined) report.costUsd = cost;
  return { report, change };
}

function putInCache(cache: EmbeddingCache, vectors: CachedVector[]): Promise<void> {
  return cache.put(vectors);
}

function writeRows(candidate: CandidateWriter, rows: ChunkRecord[]) {
  return storeCalling('Writing chunks to the candidate', () => candidate.upsert(rows));
}

/**
 * Runs `work` over `items`, at most `limit` at once, in order of start. The first failure stops
 * new starts and aborts the ones in flight; it is what this rejects with.
 */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  cancelled: AbortSignal,
  work: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const abort = new AbortController();
  const onCancel = () => abort.abort(cancelled.reason);
  cancelled.addEventListener('abort', onCancel, { once: true });
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < items.length && failure === undefined && !abort.signal.aborted) {
      const item = items[next++]!;
      try {
        await work(item, abort.signal);
      } catch (err) {
        failure ??= err;
        abort.abort(err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  } finally {
    cancelled.removeEventListener('abort', onCancel);
  }
  // Rethrown as they came: an activity's failure or the cancellation itself.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (failure !== undefined) throw failure;
  if (cancelled.aborted) throw cancelled.reason;
}
