import { LanceDbStore } from './lancedb/store.js';
import { PostgresStore } from './postgres/store.js';
import { isPostgresUri, redactedUri } from './postgres/uri.js';
import type { VectorStore } from './types.js';

/**
 * The store a `--store` value names: `postgres://…` (or `postgresql://…`, optional `?schema=`) is
 * PostgreSQL with pgvector; anything else is a LanceDB folder (created when missing).
 */
export function openVectorStore(store: string): Promise<VectorStore> {
  return isPostgresUri(store) ? PostgresStore.open({ uri: store }) : LanceDbStore.open(store);
}

/** What may be shown or recorded of a `--store` value: PostgreSQL URIs lose their password. */
export function describeStore(store: string): string {
  return isPostgresUri(store) ? redactedUri(store) : store;
}
