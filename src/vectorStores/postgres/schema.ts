import type pg from 'pg';
import { VectorStoreError } from '../errors.js';

// The PostgreSQL store's tables, in a schema of their own (default `finetune_kb`):
//   kb_versions   one row per candidate / index version: its dims, when it was sealed, what it
//                 was copied from, and what production held when it was last promoted
//   kb_chunks     the chunks of every version, keyed (version_id, chunk_id): a retried batch
//                 overwrites itself, and a duplicate id cannot exist
//   kb_aliases    (kb, alias) → version: `production` is one row, moved in one transaction
//   kb_alias_log  every move, for audit
// No approximate (HNSW/IVFFlat) index: search is an exact scan of one version's rows, which the
// retrieval gate needs and which is fast enough for tens of thousands of chunks per version.

export const DEFAULT_SCHEMA = 'finetune_kb';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new VectorStoreError(
      'invalid',
      `The PostgreSQL schema name ${JSON.stringify(schema)} must be lower-case letters, digits and '_' (at most 63, not starting with a digit).`,
    );
  }
  return schema;
}

/** `"schema".table`, the schema name already checked against IDENTIFIER. */
export const tableIn = (schema: string, table: string): string => `"${schema}".${table}`;

function ddl(schema: string): string[] {
  const t = (name: string): string => tableIn(schema, name);
  return [
    `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
    `CREATE TABLE IF NOT EXISTS ${t('kb_versions')} (
      id bigserial PRIMARY KEY,
      kb text NOT NULL,
      candidate_id text NOT NULL,
      dims integer NOT NULL CHECK (dims > 0),
      base_id bigint,
      replaced_id bigint REFERENCES ${t('kb_versions')} (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      sealed_at timestamptz,
      UNIQUE (kb, candidate_id)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t('kb_chunks')} (
      version_id bigint NOT NULL REFERENCES ${t('kb_versions')} (id) ON DELETE CASCADE,
      chunk_id text NOT NULL,
      doc_id text NOT NULL,
      content_hash text NOT NULL,
      text text NOT NULL,
      start_char integer NOT NULL,
      end_char integer NOT NULL,
      embedding vector NOT NULL,
      PRIMARY KEY (version_id, chunk_id)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t('kb_aliases')} (
      kb text NOT NULL,
      alias text NOT NULL,
      version_id bigint NOT NULL REFERENCES ${t('kb_versions')} (id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kb, alias)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t('kb_alias_log')} (
      id bigserial PRIMARY KEY,
      kb text NOT NULL,
      alias text NOT NULL,
      action text NOT NULL,
      from_version bigint,
      to_version bigint NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`,
  ];
}

/**
 * Creates what is missing (pgvector, the schema, the tables). Under an advisory lock: two workers
 * starting at once would otherwise race on CREATE ... IF NOT EXISTS.
 */
export async function migrate(client: pg.PoolClient, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`finetune_kb:${schema}`]);
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    } catch (err) {
      throw new VectorStoreError(
        'invalid',
        `pgvector is not enabled in this database and this role may not enable it (${(err as Error).message}). Ask an administrator to run CREATE EXTENSION vector.`,
      );
    }
    for (const statement of ddl(schema)) await client.query(statement);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
