// Types of the knowledge-base pipeline (documents → chunks → embeddings → a candidate index →
// gates → approval → production). Workflow-safe: no Node imports. Everything here travels
// through workflow history, so it holds ids, counts, digests and refs: never document texts,
// chunk texts or vectors (activities write those to the worker's run folder, the embedding cache,
// the store and W&B, and return what they wrote).
import type { EmittedEvent } from './eventTypes.js';
import type { CorpusChange, KbPiiFindings } from './kbGateTypes.js';
import type { AliasMovePlan, AliasMoveResult } from './governanceTypes.js';
import type { ApprovalRecord, GatePolicy, PromotionConfig } from './promotionTypes.js';
import type { WandbTarget } from './syncTypes.js';

export type { CorpusChange, KbPiiFindings, RetrievalReport } from './kbGateTypes.js';

export const KB_DEFAULTS = {
  /** The W&B project knowledge bases are versioned in. */
  project: 'knowledge-base',
  embeddingModel: 'text-embedding-3-small',
  /** Characters per chunk, and carried over from one chunk into the next. */
  chunkSize: 1000,
  chunkOverlap: 150,
  /** Top k of the retrieval gate. */
  k: 5,
  /** The retrieval gate allows the candidate this much below production on each score. */
  maxDrop: 0.02,
  /** The corpus-change gate's thresholds (shares of production's documents and chunks). */
  removedShare: 0.2,
  changedShare: 0.5,
  sizeSwing: 0.3,
} as const;

/** How documents are cut into chunks. Only `recursive` exists; a new splitter is a new name. */
export interface ChunkingConfig {
  /** Largest chunk, in characters (100 to 8000). */
  size?: number;
  /** Characters carried over from the end of one chunk into the next (0 to size/2). */
  overlap?: number;
}

/**
 * A named, versioned chunking strategy as it was applied: recorded on the chunks and the index
 * versions. A change in the splitter's behaviour gets a new `version`, so chunk ids of one
 * strategy never silently change meaning.
 */
export interface ChunkStrategy {
  name: 'recursive';
  version: number;
  size: number;
  overlap: number;
  /** `recursive@1:size=1000,overlap=150`: part of every chunk digest. */
  id: string;
}

export interface EmbeddingConfig {
  /** The embedding model (default text-embedding-3-small); on Azure, its deployment comes from the worker. */
  model?: string;
  /** Shorter vectors (text-embedding-3 models); default the model's own size. */
  dimensions?: number;
}

/** The embeddings a knowledge base uses, as resolved on the worker and recorded on every version. */
export interface EmbeddingSpec {
  /** `openai`, `azure`: who answers. */
  provider: string;
  model: string;
  /** What requests carry as `model` when it differs from the model (an Azure deployment). */
  deployment?: string;
  dims: number;
  /** What requests send as `dimensions` (absent: the model's own size is used). */
  dimensions?: number;
  /** USD per 1M tokens, when the price table knows the model. */
  usdPerMillionTokens?: number;
}

export interface CorpusGateThresholds {
  /** Share of production's documents removed above which the gate fails (default 0.2). */
  removedShare?: number;
  /** Share of production's documents changed above which it fails (default 0.5). */
  changedShare?: number;
  /** Relative change of the chunk count above which it fails (default 0.3). */
  sizeSwing?: number;
}

export interface RetrievalGateOptions {
  /** Top k searched and scored (default 5). */
  k?: number;
  /** How far below production recall@k, MRR and nDCG@k may fall (default 0.02). */
  maxDrop?: number;
  /** An absolute floor for the candidate's recall@k (none by default). */
  minRecall?: number;
}

/** Each gate is off, warn (shown to the approver) or block; default warn. */
export interface KbGateConfig {
  pii?: GatePolicy;
  corpusChange?: GatePolicy;
  corpusThresholds?: CorpusGateThresholds;
  retrieval?: GatePolicy;
  retrievalOptions?: RetrievalGateOptions;
}

/** The desk's settings a knowledge base uses (the alias is always `production`). */
export type KbPromotionConfig = Pick<
  PromotionConfig,
  | 'approvers'
  | 'requireSecondPerson'
  | 'startedBy'
  | 'approvalTimeoutMs'
  | 'onTimeout'
  | 'autoApprove'
>;

/** Where the golden set comes from: a JSONL file on the worker (versioned), or a W&B version. */
export interface GoldenSource {
  path?: string;
  /** `<kb>-golden:v3`, `entity/project/<kb>-golden:latest`. */
  version?: string;
}

export interface KnowledgeBaseInput {
  /** The knowledge base's name: letters, digits, `-` and `_` (it names tables and artifacts). */
  kb: string;
  /** Folders and files on the worker: Markdown, plain text, HTML and JSONL documents. */
  sources: string[];
  /**
   * The vector store: a LanceDB folder, or `postgres://user@host:port/db[?schema=…]` (the password
   * comes from PGPASSWORD on the worker, never from here). Default: the worker's FINETUNE_KB_STORE.
   */
  store?: string;
  chunking?: ChunkingConfig;
  embedding?: EmbeddingConfig;
  /**
   * The retrieval gate's golden set. Default: the latest `<kb>-golden` version in W&B, if any.
   * `false`: no golden set (the gate is skipped).
   */
  golden?: GoldenSource | false;
  gates?: KbGateConfig;
  /** Approval and promotion. Default: on (a person decides). `false`: the pipeline ends at `succeeded`. */
  promotion?: KbPromotionConfig | false;
  /** W&B versioning (documents, chunks, index, golden set). Default: on, project `knowledge-base`. */
  wandb?: { project?: string; entity?: string } | false;
}

export type KbStage =
  | 'reading'
  | 'versioning'
  | 'embedding'
  | 'checking'
  | 'evaluating'
  | 'awaiting_approval'
  | 'promoting'
  | 'promoted'
  | 'rejected'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

/** The store, as history may hold it: kind and location (a PostgreSQL URI loses its password). */
export interface StoreRef {
  kind: 'lancedb' | 'postgres';
  location: string;
}

/** What the worker read and cut: documents and chunks, written to its run folder. */
export interface CorpusSummary {
  documents: number;
  /** Characters of normalised text, all documents. */
  characters: number;
  /** Documents per reader (`markdown`, `text`, `html`, `jsonl`). */
  formats: Record<string, number>;
  chunks: number;
  /** Distinct chunk texts (what embedding is keyed by). */
  distinctTexts: number;
  strategy: ChunkStrategy;
  /** sha256 over the sorted (document id, text digest) pairs: the same corpus, the same digest. */
  documentsDigest: string;
  /** sha256 over the sorted chunk ids (src/vectorStores/manifest.ts idSetDigest). */
  chunkSetDigest: string;
  pii: KbPiiFindings;
  /** Files under the sources that were not read, and why (capped). */
  skipped: { path: string; reason: string }[];
}

/** Embedding and writing the candidate: what was asked of the provider, and what was reused. */
export interface EmbedReport {
  /** Chunks in the manifest. */
  chunks: number;
  /** Chunks already in the candidate: copied forward from production with their vectors. */
  keptFromBase: number;
  /** Chunks whose vector came from the embedding cache (embedded by an earlier run). */
  reusedFromCache: number;
  /** Distinct texts sent to the embeddings API by this run. */
  requested: number;
  /** Embeddings API calls (batches) this run made. */
  requests: number;
  /** Tokens the provider counted for them (its `usage`). */
  tokens: number;
  /** USD for those tokens, when the price table knows the model. */
  costUsd?: number;
  /** Rows written to the candidate, and stale rows deleted from it. */
  written: number;
  deleted: number;
}

/** The manifest check: every chunk id of the manifest stored once, nothing else. */
export interface IndexCheckSummary {
  ok: boolean;
  stored: number;
  expected: number;
  missing: { count: number; examples: string[] };
  duplicates: { count: number; examples: string[] };
  stale: { count: number; examples: string[] };
  storedDigest: string;
}

/** The candidate, once checked and sealed: the store's own version id. */
export interface SealedIndex {
  versionId: string;
  check: IndexCheckSummary;
}

/** What the pipeline did in W&B; `skipped` or `errors` say why something is missing. */
export interface KbWandbResult {
  skipped?: string;
  target?: WandbTarget;
  /** `entity/project/<kb>-documents:vN`, `…-chunks:vN`, `…-index:vN`, `…-golden:vN`. */
  documents?: string;
  chunks?: string;
  index?: string;
  golden?: string;
  /** Whether identical content was already a version (no new one made). */
  documentsCreated?: boolean;
  chunksCreated?: boolean;
  errors: string[];
}

export interface KbProgress {
  kb: string;
  stage: KbStage;
  /** The candidate's id in the store (from the workflow id): stable across retries. */
  candidateId: string;
  store?: StoreRef;
  /** What the UI's current details say now. */
  details?: string;
  /** Production when the candidate was begun (its base), or null. */
  baseline?: string | null;
  corpus?: CorpusSummary;
  embedding?: EmbeddingSpec;
  embed?: EmbedReport;
  corpusChange?: CorpusChange;
  index?: SealedIndex;
  wandb: KbWandbResult;
  approval?: ApprovalRecord;
  error?: string;
  /** The events it emitted (docs/events.md), each named by its delivery workflow's id. */
  events?: EmittedEvent[];
}

export interface KnowledgeBaseResult {
  kb: string;
  /** `promoted` or `rejected` (approval), `succeeded` (promotion off). */
  stage: 'promoted' | 'rejected' | 'succeeded';
  store: StoreRef;
  index: SealedIndex;
  corpus: CorpusSummary;
  embedding: EmbeddingSpec;
  embed: EmbedReport;
  corpusChange: CorpusChange;
  wandb: KbWandbResult;
  approval?: ApprovalRecord;
}

/** A promotion or rollback of a knowledge base's production, under its lock. */
export interface KbMoveRequest {
  kind: 'promote' | 'rollback';
  kb: string;
  /** The store's location (never a password). */
  store: string;
  /** promote: the sealed version to move production to. */
  to?: string;
  /** rollback: a W&B index version (`v3`) or a store version id; default what production replaced. */
  toVersion?: string;
  /** Moves the W&B `production` alias too (index, documents, chunks). */
  wandb?: {
    target: WandbTarget;
    /** promote: the index version (its alias or vN). */
    version?: string;
    /** promote: the documents and chunks versions, to move the alias on too. */
    datasets?: { role: 'documents' | 'chunks'; ref: string }[];
  };
}

/** What a move will do, read before anything changes (recorded in the move's history). */
export interface KbMovePlan {
  kind: KbMoveRequest['kind'];
  kb: string;
  store: string;
  /** What production holds now (null: nothing). */
  from: string | null;
  to: string;
  /**
   * How the store moves: `rollback` back to what production replaced (the store's own rollback
   * record), or `promote` to a named version (recording what it replaced).
   */
  mode: 'promote' | 'rollback';
  /** The W&B side: aliases on the index, documents and chunks versions. */
  wandb?: AliasMovePlan;
}

export interface KbMoveResult {
  kind: KbMoveRequest['kind'];
  kb: string;
  store: string;
  from: string | null;
  to: string;
  /** False when production already held `to` (a retried move). */
  moved: boolean;
  wandb?: AliasMoveResult;
}

export interface RollbackKnowledgeBaseInput {
  kb: string;
  /** Default the worker's FINETUNE_KB_STORE. */
  store?: string;
  /** A W&B index version (`v3`) or a store version id; default what production replaced. */
  to?: string;
  by: string;
  reason: string;
  wandb?: { project?: string; entity?: string } | false;
}

/** What `finetune kb resolve` prints: what a RAG service opens for the knowledge base. */
export interface ResolvedKnowledgeBase {
  kb: string;
  store: StoreRef['kind'];
  location: string;
  /** LanceDB: the table (check out the tag `production` on it); PostgreSQL: `schema.kb_chunks`. */
  table: string;
  /** The store's own version id production holds. */
  versionId: string;
  dims: number;
  /** The W&B index version holding `production`, with what it records. */
  wandb?: {
    ref: string;
    embeddingModel: string | null;
    chunking: string | null;
    documents: string | null;
    chunks: string | null;
    promotedBy: string | null;
    promotedAt: string | null;
  } | null;
}

export interface KbReadInput {
  kb: string;
  store?: string;
  wandb?: { project?: string; entity?: string } | false;
}

export interface KbQueryInput extends KbReadInput {
  question: string;
  /** A W&B index version (`v3`) or a store version id; default production. */
  version?: string;
  k?: number;
}

export interface KbQueryAnswer {
  kb: string;
  versionId: string;
  /** The W&B index version, when the version was named by it. */
  ref?: string;
  hits: { rank: number; docId: string; chunkId: string; distance: number; text: string }[];
}

/** `finetune kb lineage`: index → chunks → documents, with the gates and the promotion record. */
export interface KbLineage {
  index: {
    ref: string;
    aliases: string[];
    store: string | null;
    location: string | null;
    versionId: string | null;
    embedding: Record<string, unknown> | null;
    chunking: string | null;
    chunks: number | null;
  };
  chunks: { ref: string; aliases: string[]; count: number | null } | null;
  documents: { ref: string; aliases: string[]; count: number | null } | null;
  golden: string | null;
  promotion: Record<string, unknown> | null;
  gates: { gate: string; verdict: string; summary: string }[];
  log: { kind: string; at: string; by: string; reason?: string; comment?: string }[];
}
