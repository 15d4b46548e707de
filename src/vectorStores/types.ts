// The seam between the knowledge-base pipeline and the vector stores (LanceDB embedded, PostgreSQL
// with pgvector). Pure types: the workflow code may import them; only activities open a store.
//
// The model every store keeps:
// - A knowledge base (`kb`) has index versions. A version is built as a *candidate* beside
//   production (never in it), written in idempotent batches (upsert by chunk id), checked against
//   the chunk manifest, then *sealed*: from then on it is immutable and has the store's own
//   version id.
// - `production` is a pointer to one sealed version. Promotion moves it atomically (a reader sees
//   the old version or the new one, never a mix); each promotion records what it replaced, and
//   rollback moves the pointer back to that.
// - Reads (count, ids, exact search) go to one fixed version: a reader opened on `production`
//   keeps reading the version it resolved, whatever moves meanwhile.

export type VectorStoreKind = 'lancedb' | 'postgres';

/** The pointer the RAG service reads. */
export type Alias = 'production';

/** One chunk with its embedding, as activities write it. */
export interface ChunkRecord {
  /** Content-derived, stable across runs (so a retried batch overwrites itself). */
  chunkId: string;
  docId: string;
  /** sha256 of the chunk's normalised text. */
  contentHash: string;
  text: string;
  /** Character offsets of the chunk in its document, `[start, end)`. */
  start: number;
  end: number;
  /** Exactly the knowledge base's `dims` numbers. */
  vector: ArrayLike<number>;
}

/** An index version: which knowledge base, and the store's own id for it. */
export interface IndexVersion {
  kb: string;
  /**
   * The store's own version id: LanceDB `<branch>:<table version>` (as Lance writes it, e.g.
   * `cand-run-7:12`), PostgreSQL the `kb_versions` row id (e.g. `42`).
   */
  versionId: string;
}

export interface CandidateSpec {
  kb: string;
  /**
   * Chosen by the caller and stable across retries (e.g. from the workflow id): opening the same
   * candidate twice opens one candidate. Letters, digits, `-` and `_`, at most 64.
   */
  candidateId: string;
  /** Vector length; fixed for the knowledge base in LanceDB, per version in PostgreSQL. */
  dims: number;
  /**
   * Copy forward from this sealed version (usually production) so unchanged chunks keep their
   * vectors; the builder then upserts new chunks and deletes stale ids. Omitted: start empty.
   */
  base?: IndexVersion | undefined;
}

export interface SearchRequest {
  vector: ArrayLike<number>;
  /** How many nearest chunks (≥ 1). */
  k: number;
  /** Only chunks of these documents. */
  filter?: { docIds?: readonly string[] } | undefined;
}

export interface SearchHit {
  chunkId: string;
  docId: string;
  text: string;
  /** Cosine distance, `1 - cos(query, chunk)`: 0 is the same direction. */
  distance: number;
}

/** Reading one fixed version (or a candidate as it is now). */
export interface IndexReader {
  readonly kb: string;
  count(): Promise<number>;
  /** Every stored chunk id, duplicates included (the manifest check counts them). */
  listIds(): Promise<string[]>;
  /**
   * Exact (flat) nearest neighbours by cosine distance, no approximate index: ordered by distance,
   * ties by chunk id, so the same data and query always give the same list.
   */
  search(request: SearchRequest): Promise<SearchHit[]>;
}

export interface CandidateWriter extends IndexReader {
  readonly candidateId: string;
  /** Whether this open created it (false: it existed, e.g. a retried activity). */
  readonly created: boolean;
  /** Insert or replace by chunk id: a batch written twice leaves the same rows. */
  upsert(chunks: readonly ChunkRecord[]): Promise<{ written: number }>;
  deleteIds(chunkIds: readonly string[]): Promise<{ deleted: number }>;
  /**
   * Freezes the candidate as an index version and returns its id; sealing again returns the same
   * version. Writes after sealing are refused.
   */
  seal(): Promise<IndexVersion>;
}

export interface PointerMove {
  kb: string;
  alias: Alias;
  /** The version the pointer held before (null: none). */
  from: string | null;
  to: string;
  /** False when the pointer already held `to` (a retried move): nothing changed. */
  moved: boolean;
}

export interface PromoteRequest {
  kb: string;
  /** A sealed version's id. */
  to: string;
  /**
   * Compare-and-swap: the version the caller believes production holds now (null: none). When
   * production holds something else the move is refused (StaleProductionError), unless it
   * already holds `to` (a retry of this very move).
   */
  expected: string | null;
}

export interface RollbackRequest {
  kb: string;
  /** The version the caller believes production holds now (see PromoteRequest.expected). */
  expected: string;
}

/** What a RAG service opens to serve the knowledge base. */
export interface ResolvedIndex extends IndexVersion {
  store: VectorStoreKind;
  /** LanceDB: the database folder; PostgreSQL: the connection URI without its password. */
  location: string;
  /** LanceDB: the table (`checkout("production")` on it); PostgreSQL: `schema.kb_chunks`. */
  table: string;
  dims: number;
}

export interface VectorStore {
  readonly kind: VectorStoreKind;
  /** Opens the candidate, creating it (copying `base` forward) when it does not exist. */
  openCandidate(spec: CandidateSpec): Promise<CandidateWriter>;
  /** Drops an unpromoted candidate or sealed version nothing points to; absent is fine. */
  dropCandidate(kb: string, candidateId: string): Promise<void>;
  /** A reader pinned to one sealed version. */
  openVersion(version: IndexVersion): Promise<IndexReader>;
  /** The version `production` holds now, or null. */
  production(kb: string): Promise<IndexVersion | null>;
  /** What rollback would move production to: the version the current one replaced, or null. */
  rollbackTarget(kb: string): Promise<IndexVersion | null>;
  /** Moves `production` to a sealed version, atomically, recording what it replaced. */
  promote(request: PromoteRequest): Promise<PointerMove>;
  /** Moves `production` back to what the current version replaced, atomically. */
  rollback(request: RollbackRequest): Promise<PointerMove>;
  /** Store, location and version a RAG service opens for `production`; null before any promotion. */
  resolve(kb: string): Promise<ResolvedIndex | null>;
  close(): Promise<void>;
}
