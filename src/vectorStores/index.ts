// The knowledge base's vector stores behind one seam (types.ts): LanceDB embedded by default,
// PostgreSQL with pgvector for teams.
export * from './types.js';
export { VectorStoreError, type VectorStoreErrorKind } from './errors.js';
export { checkManifest, idSetDigest, type ManifestCheck } from './manifest.js';
export { describeStore, openVectorStore } from './open.js';
export { LanceDbStore } from './lancedb/store.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres/store.js';
