import { basename, join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Context } from '@temporalio/activity';
import type {
  ChunkStrategy,
  CorpusSummary,
  EmbedReport,
  EmbeddingSpec,
  IndexCheckSummary,
  StoreRef,
} from '../../shared/knowledgeBaseTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { kbArtifacts } from '../../workflows/kb/rules.js';
import { artifactGone } from '../failures.js';
import { requireWandb } from '../wandb/deps.js';
import { wandbCalling } from '../wandb/errors.js';
import { ensureCorpus, shardFiles } from './corpus.js';
import { runDir, type KbActivityDeps } from './deps.js';
import { parseGoldenSet, readGoldenFile } from './goldenSet.js';
import { logVersion, runIdFor } from './wandbRecord.js';

// The knowledge base in W&B: `<kb>-documents` and `<kb>-chunks` as the run folder's shards (one
// version per distinct content: the same shards, the same digest, the same version), `<kb>-index`
// as a small descriptor of the store's version (the vectors stay in the store), and
// `<kb>-golden`, the retrieval gate's questions.

export const KB_ARTIFACT_TYPES = {
  documents: 'dataset',
  chunks: 'dataset',
  index: 'index',
  golden: 'dataset',
} as const;

export interface VersionCorpusInput {
  target: WandbTarget;
  kb: string;
  candidateId: string;
  sources: string[];
  summary: CorpusSummary;
}

export interface VersionedCorpus {
  documents: string;
  chunks: string;
  documentsCreated: boolean;
  chunksCreated: boolean;
}

export async function versionKbCorpus(
  deps: KbActivityDeps,
  input: VersionCorpusInput,
): Promise<VersionedCorpus> {
  const wandb = requireWandb(deps.wandb);
  const signal = Context.current().cancellationSignal;
  const { summary, kb } = input;
  const names = kbArtifacts(kb);
  const dir = runDir(deps, kb, input.candidateId);
  await ensureCorpus(dir, { sources: input.sources, strategy: summary.strategy }, summary);
  const shards = await shardFiles(dir);
  const documents = await logVersion(wandb, {
    target: input.target,
    runId: runIdFor('documents', `${kb}:${summary.documentsDigest}`),
    jobType: 'kb-documents',
    displayName: `${names.documents} (${summary.documentsDigest.slice(0, 12)})`,
    name: names.documents,
    type: KB_ARTIFACT_TYPES.documents,
    description: `Source documents of knowledge base ${kb}, as read (normalised text), sharded JSONL`,
    metadata: {
      kb,
      documents: summary.documents,
      characters: summary.characters,
      formats: summary.formats,
      documentsDigest: summary.documentsDigest,
      sources: input.sources,
      shards: shards.documents.length,
      pii: summary.pii,
    },
    files: shards.documents.map((path) => ({
      path: `documents/${basename(path)}`,
      source: { path },
    })),
    signal,
  });
  const chunks = await logVersion(wandb, {
    target: input.target,
    runId: runIdFor('chunks', `${kb}:${summary.chunkSetDigest}`),
    jobType: 'kb-chunk',
    displayName: `${names.chunks} (${summary.strategy.id})`,
    name: names.chunks,
    type: KB_ARTIFACT_TYPES.chunks,
    description: `Chunks of knowledge base ${kb} (${summary.strategy.id}), sharded JSONL`,
    metadata: {
      kb,
      chunks: summary.chunks,
      distinctTexts: summary.distinctTexts,
      chunking: summary.strategy.id,
      strategy: summary.strategy,
      chunkSetDigest: summary.chunkSetDigest,
      documents: documents.ref,
    },
    files: shards.chunks.map((path) => ({ path: `chunks/${basename(path)}`, source: { path } })),
    inputs: [documents.ref],
    signal,
  });
  return {
    documents: documents.ref,
    chunks: chunks.ref,
    documentsCreated: documents.created,
    chunksCreated: chunks.created,
  };
}

export interface VersionIndexInput {
  target: WandbTarget;
  kb: string;
  candidateId: string;
  store: StoreRef;
  versionId: string;
  embedding: EmbeddingSpec;
  strategy: ChunkStrategy;
  documents: string;
  chunks: string;
  corpus: Pick<CorpusSummary, 'documents' | 'chunks'>;
  embed: EmbedReport;
  check: IndexCheckSummary;
  golden?: string;
}

/** The index version: where the store keeps it and how it was made, with lineage from the chunks. */
export async function versionKbIndex(
  deps: KbActivityDeps,
  input: VersionIndexInput,
): Promise<{ ref: string }> {
  const wandb = requireWandb(deps.wandb);
  const names = kbArtifacts(input.kb);
  const table = input.store.kind === 'lancedb' ? input.kb : 'kb_chunks';
  const descriptor = {
    kb: input.kb,
    store: input.store.kind,
    location: input.store.location,
    table,
    store_version: input.versionId,
    candidateId: input.candidateId,
    embedding: input.embedding,
    chunking: input.strategy.id,
    documents: input.documents,
    chunks: input.chunks,
  };
  const metadata = {
    ...descriptor,
    doc_count: input.corpus.documents,
    chunk_count: input.corpus.chunks,
    embeddings: {
      requested: input.embed.requested,
      reused: input.embed.keptFromBase + input.embed.reusedFromCache,
      keptFromBase: input.embed.keptFromBase,
      reusedFromCache: input.embed.reusedFromCache,
      requests: input.embed.requests,
      tokens: input.embed.tokens,
      ...(input.embed.costUsd !== undefined ? { costUsd: input.embed.costUsd } : {}),
    },
    manifestCheck: {
      ok: input.check.ok,
      stored: input.check.stored,
      storedDigest: input.check.storedDigest,
    },
    ...(input.golden ? { golden: input.golden } : {}),
  };
  const logged = await logVersion(wandb, {
    target: input.target,
    runId: runIdFor('index', input.candidateId),
    jobType: 'kb-index',
    displayName: `${names.index} (${input.versionId})`,
    name: names.index,
    type: KB_ARTIFACT_TYPES.index,
    description: `Vector index of knowledge base ${input.kb}: ${input.store.kind} ${input.versionId}`,
    metadata,
    files: [{ path: 'index.json', source: { text: `${JSON.stringify(descriptor, null, 2)}\n` } }],
    inputs: [input.chunks],
    signal: Context.current().cancellationSignal,
  });
  return { ref: logged.ref };
}

export interface GoldenInput {
  target?: WandbTarget;
  kb: string;
  path?: string;
  version?: string;
}

/**
 * Which golden set the retrieval gate uses: a file (versioned as `<kb>-golden`, when W&B is on),
 * a named version, or — when none is given — the latest `<kb>-golden` version. Null: none at all.
 */
export async function resolveKbGolden(
  deps: KbActivityDeps,
  input: GoldenInput,
): Promise<{ ref?: string; path?: string; questions: number } | null> {
  const name = kbArtifacts(input.kb).golden;
  const wandb = deps.wandb.wandb;
  if (input.path) {
    const { text, questions } = await readGoldenFile(input.path);
    if (!input.target || !wandb) return { path: input.path, questions: questions.length };
    const logged = await logVersion(wandb, {
      target: input.target,
      runId: runIdFor('golden', `${input.kb}:${text}`),
      jobType: 'kb-golden',
      displayName: `${name} (${questions.length} questions)`,
      name,
      type: KB_ARTIFACT_TYPES.golden,
      description: `Golden questions of knowledge base ${input.kb}, each with the documents that answer it`,
      metadata: { kb: input.kb, questions: questions.length, source: input.path },
      files: [{ path: 'golden.jsonl', source: { text } }],
    });
    return { ref: logged.ref, path: input.path, questions: questions.length };
  }
  if (!input.target || !wandb) return null;
  const wanted = input.version ?? `${name}:latest`;
  const ref = wanted.includes(':') ? wanted : `${name}:${wanted}`;
  const full =
    ref.split('/').length >= 3 ? ref : `${input.target.entity}/${input.target.project}/${ref}`;
  const version = await wandbCalling(`Looking up ${full}`, () => wandb.fetchArtifact(full));
  if (!version) {
    if (input.version) throw artifactGone(full);
    return null;
  }
  const q = version.metadata.questions;
  return {
    ref: `${version.entity}/${version.project}/${version.name}:${version.version ?? version.digest.slice(0, 12)}`,
    questions: typeof q === 'number' ? q : 0,
  };
}

/** The golden set's questions, from its file or downloaded from its W&B version. */
export async function loadGolden(
  deps: KbActivityDeps,
  golden: { ref?: string; path?: string },
): Promise<ReturnType<typeof parseGoldenSet>> {
  if (golden.path) return (await readGoldenFile(golden.path)).questions;
  const wandb = requireWandb(deps.wandb);
  const version = await wandbCalling(`Looking up ${golden.ref}`, () =>
    wandb.fetchArtifact(golden.ref!),
  );
  if (!version) throw artifactGone(golden.ref!);
  const dir = await mkdtemp(join(tmpdir(), 'kb-golden-'));
  try {
    await wandbCalling(`Downloading ${golden.ref}`, () => wandb.downloadArtifact(version.id, dir));
    return (await readGoldenFile(join(dir, 'golden.jsonl'))).questions;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
