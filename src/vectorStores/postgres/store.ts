import pg from 'pg';
import {
  checkDims,
  checkName,
  nothingToRollBack,
  staleProduction,
  VectorStoreError,
} from '../errors.js';
import type {
  Alias,
  CandidateSpec,
  CandidateWriter,
  IndexReader,
  IndexVersion,
  PointerMove,
  PromoteRequest,
  ResolvedIndex,
  RollbackRequest,
  VectorStore,
} from '../types.js';
import { PgCandidate } from './candidate.js';
import { inTransaction, isVersionId } from './db.js';
import { PgReader } from './reader.js';
import { checkSchemaName, migrate, tableIn } from './schema.js';
import { parsePostgresUri, redactedUri } from './uri.js';

const PRODUCTION: Alias = 'production';

interface VersionRow {
  id: string;
  kb: string;
  candidate_id: string;
  dims: number;
  sealed_at: Date | null;
  replaced_id: string | null;
}

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db`, optionally `?schema=name` (default `finetune_kb`). */
  uri: string;
  /** Connections kept open (default 4: activities write in batches, one at a time). */
  maxConnections?: number;
}

/**
 * PostgreSQL with pgvector, for teams: the tables of schema.ts. Promotion and rollback are one
 * transaction each, serialised per knowledge base by an advisory lock: check the expected
 * production (compare-and-swap), record what it replaced, move the `kb_aliases` row, log the
 * move. A reader resolves the pointer and then reads only that version's rows, so it sees the old
 * version or the new one, never a mix.
 */
export class PostgresStore implements VectorStore {
  readonly kind = 'postgres';

  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    /** The URI without its password. */
    readonly location: string,
  ) {}

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { connectionString, schema } = parsePostgresUri(options.uri);
    checkSchemaName(schema);
    const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 4 });
    // An idle connection that drops (server restart) must not crash the worker.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, schema);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool, schema, redactedUri(options.uri));
  }

  private t(table: string): string {
    return tableIn(this.schema, table);
  }

  private async versionRow(
    q: pg.Pool | pg.PoolClient,
    kb: string,
    versionId: string,
  ): Promise<VersionRow> {
    if (!isVersionId(versionId)) {
      throw new VectorStoreError(
        'invalid',
        `${JSON.stringify(versionId)} is no PostgreSQL index version id.`,
      );
    }
    const r = await q.query<VersionRow>(
      `SELECT id, kb, candidate_id, dims, sealed_at, replaced_id FROM ${this.t('kb_versions')} WHERE id = $1`,
      [versionId],
    );
    const row = r.rows[0];
    if (!row || row.kb !== kb || !row.sealed_at) {
      throw new VectorStoreError('not-found', `${versionId} is no sealed index version of ${kb}.`);
    }
    return row;
  }

  async openCandidate(spec: CandidateSpec): Promise<CandidateWriter> {
    const kb = checkName('knowledge base', spec.kb);
    const candidateId = checkName('candidate id', spec.candidateId);
    const dims = checkDims(spec.dims);
    const { id, created, storedDims } = await inTransaction(this.pool, async (client) => {
      const base = spec.base ? await this.versionRow(client, kb, spec.base.versionId) : undefined;
      if (base && base.dims !== dims) {
        throw new VectorStoreError(
          'invalid',
          `Version ${base.id} of ${kb} holds ${base.dims}-dimensional vectors, not ${dims}: copy forward only between versions of one embedding size.`,
        );
      }
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO ${this.t('kb_versions')} (kb, candidate_id, dims, base_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kb, candidate_id) DO NOTHING RETURNING id`,
        [kb, candidateId, dims, base?.id ?? null],
      );
      const newId = inserted.rows[0]?.id;
      if (newId !== undefined) {
        // In the same transaction as the row: a crash leaves neither, so a retry copies once.
        if (base) {
          await client.query(
            `INSERT INTO ${this.t('kb_chunks')}
               SELECT $1, chunk_id, doc_id, content_hash, text, start_char, end_char, embedding
                 FROM ${this.t('kb_chunks')} WHERE version_id = $2`,
            [newId, base.id],
          );
        }
        return { id: newId, created: true, storedDims: dims };
      }
      const existing = await client.query<{ id: string; dims: number }>(
        `SELECT id, dims FROM ${this.t('kb_versions')} WHERE kb = $1 AND candidate_id = $2`,
        [kb, candidateId],
      );
      const row = existing.rows[0];
      if (!row) throw new Error(`candidate ${candidateId} of ${kb} vanished while being opened`);
      return { id: row.id, created: false, storedDims: row.dims };
    });
    if (storedDims !== dims) {
      throw new VectorStoreError(
        'invalid',
        `Candidate ${candidateId} of ${kb} holds ${storedDims}-dimensional vectors, not ${dims}.`,
      );
    }
    return new PgCandidate(kb, candidateId, created, this.pool, this.schema, id, dims);
  }

  async dropCandidate(kb: string, candidateId: string): Promise<void> {
    checkName('knowledge base', kb);
    checkName('candidate id', candidateId);
    await inTransaction(this.pool, async (client) => {
      await this.lockKb(client, kb);
      const r = await client.query<{ id: string }>(
        `SELECT id FROM ${this.t('kb_versions')} WHERE kb = $1 AND candidate_id = $2`,
        [kb, candidateId],
      );
      const id = r.rows[0]?.id;
      if (id === undefined) return;
      const users = await client.query<{ what: string }>(
        `SELECT 'the ' || alias || ' pointer' AS what FROM ${this.t('kb_aliases')} WHERE version_id = $1
         UNION ALL
         SELECT 'the rollback record of version ' || id AS what FROM ${this.t('kb_versions')} WHERE replaced_id = $1`,
        [id],
      );
      if (users.rows.length > 0) {
        throw new VectorStoreError(
          'in-use',
          `Candidate ${candidateId} of ${kb} (version ${id}) cannot be dropped: ${users.rows.map((u) => u.what).join(', ')} needs it.`,
        );
      }
      await client.query(`DELETE FROM ${this.t('kb_versions')} WHERE id = $1`, [id]);
    });
  }

  async openVersion(version: IndexVersion): Promise<IndexReader> {
    checkName('knowledge base', version.kb);
    const row = await this.versionRow(this.pool, version.kb, version.versionId);
    return new PgReader(version.kb, this.pool, this.schema, row.id, row.dims);
  }

  async production(kb: string): Promise<IndexVersion | null> {
    checkName('knowledge base', kb);
    const r = await this.pool.query<{ version_id: string }>(
      `SELECT version_id FROM ${this.t('kb_aliases')} WHERE kb = $1 AND alias = $2`,
      [kb, PRODUCTION],
    );
    const id = r.rows[0]?.version_id;
    return id === undefined ? null : { kb, versionId: id };
  }

  async rollbackTarget(kb: string): Promise<IndexVersion | null> {
    checkName('knowledge base', kb);
    const r = await this.pool.query<{ replaced_id: string | null }>(
      `SELECT v.replaced_id FROM ${this.t('kb_aliases')} a JOIN ${this.t('kb_versions')} v ON v.id = a.version_id
        WHERE a.kb = $1 AND a.alias = $2`,
      [kb, PRODUCTION],
    );
    const id = r.rows[0]?.replaced_id;
    return id ? { kb, versionId: id } : null;
  }

  /** Serialises pointer moves and drops of one knowledge base (until the transaction ends). */
  private async lockKb(client: pg.PoolClient, kb: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `finetune_kb:${this.schema}:${kb}`,
    ]);
  }

  private async currentProduction(client: pg.PoolClient, kb: string): Promise<string | null> {
    const r = await client.query<{ version_id: string }>(
      `SELECT version_id FROM ${this.t('kb_aliases')} WHERE kb = $1 AND alias = $2 FOR UPDATE`,
      [kb, PRODUCTION],
    );
    return r.rows[0]?.version_id ?? null;
  }

  private async movePointer(
    client: pg.PoolClient,
    kb: string,
    action: 'promote' | 'rollback',
    from: string | null,
    to: string,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.t('kb_aliases')} (kb, alias, version_id) VALUES ($1, $2, $3)
       ON CONFLICT (kb, alias) DO UPDATE SET version_id = EXCLUDED.version_id, updated_at = now()`,
      [kb, PRODUCTION, to],
    );
    await client.query(
      `INSERT INTO ${this.t('kb_alias_log')} (kb, alias, action, from_version, to_version) VALUES ($1, $2, $3, $4, $5)`,
      [kb, PRODUCTION, action, from, to],
    );
  }

  promote(request: PromoteRequest): Promise<PointerMove> {
    const kb = checkName('knowledge base', request.kb);
    return inTransaction(this.pool, async (client) => {
      await this.lockKb(client, kb);
      const target = await this.versionRow(client, kb, request.to);
      const current = await this.currentProduction(client, kb);
      const move = { kb, alias: PRODUCTION, from: current, to: target.id };
      if (current === target.id) return { ...move, moved: false };
      if (current !== request.expected) throw staleProduction(kb, request.expected, current);
      await client.query(`UPDATE ${this.t('kb_versions')} SET replaced_id = $2 WHERE id = $1`, [
        target.id,
        current,
      ]);
      await this.movePointer(client, kb, 'promote', current, target.id);
      return { ...move, moved: true };
    });
  }

  rollback(request: RollbackRequest): Promise<PointerMove> {
    const kb = checkName('knowledge base', request.kb);
    return inTransaction(this.pool, async (client) => {
      await this.lockKb(client, kb);
      const current = await this.currentProduction(client, kb);
      const expected = await this.versionRow(client, kb, request.expected);
      const target = expected.replaced_id;
      if (current !== expected.id) {
        // A retry of a rollback that already happened finds production at expected's target.
        if (current !== null && current === target) {
          return { kb, alias: PRODUCTION, from: expected.id, to: current, moved: false };
        }
        throw staleProduction(kb, request.expected, current);
      }
      if (!target) {
        throw nothingToRollBack(kb, expected.id);
      }
      await this.movePointer(client, kb, 'rollback', current, target);
      return { kb, alias: PRODUCTION, from: current, to: target, moved: true };
    });
  }

  async resolve(kb: string): Promise<ResolvedIndex | null> {
    const current = await this.production(kb);
    if (!current) return null;
    const row = await this.versionRow(this.pool, kb, current.versionId);
    return {
      ...current,
      store: 'postgres',
      location: this.location,
      table: `${this.schema}.kb_chunks`,
      dims: row.dims,
    };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
