// The knowledge base's vector stores behind one seam (types.ts): LanceDB embedded by default,
// PostgreSQL with pgvector for teams. The stores themselves load on demand (open.ts); import
// `lancedb/store.js` or `postgres/store.js` directly to name one.
export * from './types.js';
export { VectorStoreError, type VectorStoreErrorKind } from './errors.js';
export { checkManifest, idSetDigest, MANIFEST_EXAMPLES, type ManifestCheck } from './manifest.js';
export { describeStore, openVectorStore } from './open.js';
