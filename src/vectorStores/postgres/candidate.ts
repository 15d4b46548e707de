import type pg from 'pg';
import { checkVector, VectorStoreError } from '../errors.js';
import type { CandidateWriter, ChunkRecord, IndexVersion } from '../types.js';
import { inTransaction, vectorLiteral } from './db.js';
import { PgReader } from './reader.js';
import { tableIn } from './schema.js';

/**
 * A candidate is a `kb_versions` row not yet sealed, and its rows in `kb_chunks`. Each batch is
 * one statement (`INSERT … ON CONFLICT (version_id, chunk_id) DO UPDATE`), so a batch written
 * twice leaves the same rows. Writes hold a share lock on the version row and sealing an update
 * lock, so nothing is written into a version after it is sealed.
 */
export class PgCandidate extends PgReader implements CandidateWriter {
  constructor(
    kb: string,
    readonly candidateId: string,
    readonly created: boolean,
    pool: pg.Pool,
    schema: string,
    versionId: string,
    dims: number,
  ) {
    super(kb, pool, schema, versionId, dims);
  }

  /** Inside a write's transaction: the version row, share-locked, must not be sealed. */
  private async lockUnsealed(client: pg.PoolClient): Promise<void> {
    const r = await client.query<{ sealed_at: Date | null }>(
      `SELECT sealed_at FROM ${tableIn(this.schema, 'kb_versions')} WHERE id = $1 FOR SHARE`,
      [this.versionId],
    );
    const row = r.rows[0];
    if (!row) {
      throw new VectorStoreError(
        'not-found',
        `Candidate ${this.candidateId} of ${this.kb} is gone.`,
      );
    }
    if (row.sealed_at) {
      throw new VectorStoreError(
        'sealed',
        `Candidate ${this.candidateId} of ${this.kb} is sealed as version ${this.versionId}; build a new candidate to change it.`,
      );
    }
  }

  async upsert(chunks: readonly ChunkRecord[]): Promise<{ written: number }> {
    if (chunks.length === 0) return { written: 0 };
    // One row per id (the last wins): ON CONFLICT cannot touch a row twice in one statement.
    const byId = new Map<string, ChunkRecord>();
    for (const c of chunks) {
      checkVector(c.vector, this.dims, `Chunk ${c.chunkId}'s vector`);
      byId.set(c.chunkId, c);
    }
    const rows = [...byId.values()];
    await inTransaction(this.pool, async (client) => {
      await this.lockUnsealed(client);
      await client.query(
        `INSERT INTO ${this.chunks}
           (version_id, chunk_id, doc_id, content_hash, text, start_char, end_char, embedding)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::vector[])
         ON CONFLICT (version_id, chunk_id) DO UPDATE SET
           doc_id = EXCLUDED.doc_id, content_hash = EXCLUDED.content_hash, text = EXCLUDED.text,
           start_char = EXCLUDED.start_char, end_char = EXCLUDED.end_char,
           embedding = EXCLUDED.embedding`,
        [
          this.versionId,
          rows.map((c) => c.chunkId),
          rows.map((c) => c.docId),
          rows.map((c) => c.contentHash),
          rows.map((c) => c.text),
          rows.map((c) => c.start),
          rows.map((c) => c.end),
          rows.map((c) => vectorLiteral(c.vector)),
        ],
      );
    });
    return { written: rows.length };
  }

  async deleteIds(chunkIds: readonly string[]): Promise<{ deleted: number }> {
    if (chunkIds.length === 0) return { deleted: 0 };
    const deleted = await inTransaction(this.pool, async (client) => {
      await this.lockUnsealed(client);
      const r = await client.query(
        `DELETE FROM ${this.chunks} WHERE version_id = $1 AND chunk_id = ANY($2::text[])`,
        [this.versionId, [...new Set(chunkIds)]],
      );
      return r.rowCount ?? 0;
    });
    return { deleted };
  }

  async seal(): Promise<IndexVersion> {
    // Waits for writes in flight (they hold a share lock on the row); sealing twice is a no-op.
    const r = await this.pool.query<{ sealed: boolean }>(
      `UPDATE ${tableIn(this.schema, 'kb_versions')} SET sealed_at = coalesce(sealed_at, now())
        WHERE id = $1 RETURNING true AS sealed`,
      [this.versionId],
    );
    if (r.rowCount === 0) {
      throw new VectorStoreError(
        'not-found',
        `Candidate ${this.candidateId} of ${this.kb} is gone.`,
      );
    }
    return { kb: this.kb, versionId: this.versionId };
  }
}
