import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { scoreQuery, meanScores, type QueryScores } from '../../gates/retrieval.js';
import { batchLimits, planBatches } from '../../providers/embeddingsSeam.js';
import type { EmbeddingSpec, RetrievalReport } from '../../shared/knowledgeBaseTypes.js';
import type { IndexReader } from '../../vectorStores/index.js';
import { docIdOf } from './chunking.js';
import { cacheDir, openStore, type KbActivityDeps, providerCalling } from './deps.js';
import { openEmbeddingCache, type EmbeddingCache } from './embeddingCache.js';
import type { GoldenQuestion } from './goldenSet.js';
import { loadGolden } from './versioning.js';
import { storeCalling } from './storeErrors.js';

// The retrieval gate's measurement: the golden set's questions against the candidate and against
// production, with exact search (no approximate index) and the same question vectors for both
// (from the embedding cache: embeddings are not bit-stable from call to call, so each question is
// embedded once, ever, per model). Same data, same questions, same k: the same numbers.

const EXAMPLES = 10;

export interface MeasureRetrievalInput {
  kb: string;
  store: string;
  candidate: string;
  production: string | null;
  golden: { ref?: string; path?: string };
  embedding: EmbeddingSpec;
  k: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Each question's vector: from the cache, else embedded now (and cached). */
export async function questionVectors(
  deps: KbActivityDeps,
  cache: EmbeddingCache,
  spec: EmbeddingSpec,
  questions: readonly string[],
  signal?: AbortSignal,
): Promise<{ vectors: Float32Array[]; requested: number; reused: number }> {
  const hashes = questions.map(sha256);
  const known = await cache.get(hashes);
  const todo = [...new Set(hashes.filter((h) => !known.has(h)))];
  const texts = todo.map((h) => questions[hashes.indexOf(h)]!);
  for (const batch of planBatches(texts, batchLimits(deps.embeddings.limits, deps.batchInputs))) {
    const inputs = batch.map((i) => texts[i]!);
    const answer = await providerCalling(deps)(
      `Embedding ${inputs.length} questions with ${spec.model}`,
      () =>
        deps.embeddings.embed({ model: spec.model, dimensions: spec.dimensions, inputs }, signal),
    );
    const entries = answer.vectors.map((vector, j) => ({ hash: todo[batch[j]!]!, vector }));
    await cache.put(entries);
    for (const e of entries) known.set(e.hash, e.vector);
  }
  return {
    vectors: hashes.map((h) => known.get(h)!),
    requested: todo.length,
    reused: hashes.length - todo.length,
  };
}

async function ranked(reader: IndexReader, vector: Float32Array, k: number): Promise<string[]> {
  const hits = await storeCalling('Searching the index', () => reader.search({ vector, k }));
  return hits.map((h) => h.docId);
}

export async function measureRetrieval(
  deps: KbActivityDeps,
  input: MeasureRetrievalInput,
): Promise<RetrievalReport> {
  const signal = Context.current().cancellationSignal;
  const questions: GoldenQuestion[] = await loadGolden(deps, input.golden);
  const cache = await openEmbeddingCache(cacheDir(deps), input.embedding);
  const q = await questionVectors(
    deps,
    cache,
    input.embedding,
    questions.map((x) => x.question),
    signal,
  );
  const store = await openStore(input.store);
  const open = (versionId: string) =>
    storeCalling(`Opening version ${versionId}`, () =>
      store.openVersion({ kb: input.kb, versionId }),
    );
  const candidate = await open(input.candidate);
  const production = input.production ? await open(input.production) : null;
  const corpus = new Set((await candidate.listIds()).map(docIdOf));

  const candScores: QueryScores[] = [];
  const prodScores: QueryScores[] = [];
  const lost: RetrievalReport['lost'] = { count: 0, examples: [] };
  for (const [i, question] of questions.entries()) {
    Context.current().heartbeat({ question: i });
    const vector = q.vectors[i]!;
    const c = scoreQuery(await ranked(candidate, vector, input.k), question.relevant, input.k);
    candScores.push(c);
    if (!production) continue;
    const p = scoreQuery(await ranked(production, vector, input.k), question.relevant, input.k);
    prodScores.push(p);
    if (p.hit === 1 && c.hit === 0) {
      lost.count++;
      if (lost.examples.length < EXAMPLES) lost.examples.push(question);
    }
  }
  const missing = [...new Set(questions.flatMap((x) => x.relevant))]
    .filter((d) => !corpus.has(d))
    .sort();
  return {
    golden: input.golden.ref ?? input.golden.path ?? '(golden set)',
    questions: questions.length,
    k: input.k,
    candidate: { version: input.candidate, ...meanScores(candScores) },
    production: input.production ? { version: input.production, ...meanScores(prodScores) } : null,
    lost,
    missingDocuments: { count: missing.length, examples: missing.slice(0, EXAMPLES) },
    queryEmbeddings: { requested: q.requested, reused: q.reused },
  };
}
