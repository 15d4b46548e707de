import { isPostgresUri, redactedUri } from './postgres/uri.js';
import type { VectorStore } from './types.js';

/**
 * The store a `--store` value names: `postgres://…` (or `postgresql://…`, optional `?schema=`) is
 * PostgreSQL with pgvector; anything else is a LanceDB folder (created when missing). Each store's
 * module is loaded only when used: LanceDB's native library alone is about 150 MB.
 */
export async function openVectorStore(store: string): Promise<VectorStore> {
  if (isPostgresUri(store)) {
    const { PostgresStore } = await import('./postgres/store.js');
    return PostgresStore.open({ uri: store });
  }
  const { LanceDbStore } = await import('./lancedb/store.js');
  return LanceDbStore.open(store);
}

/** What may be shown or recorded of a `--store` value: PostgreSQL URIs lose their password. */
export function describeStore(store: string): string {
  return isPostgresUri(store) ? redactedUri(store) : store;
}
