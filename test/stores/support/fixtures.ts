import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import pg from 'pg';
import { inject } from 'vitest';
import {
  openVectorStore,
  type VectorStore,
  type VectorStoreKind,
} from '../../../src/vectorStores/index.js';

export const STORE_KINDS: readonly VectorStoreKind[] = ['lancedb', 'postgres'];

/** What a RAG service sees when it reads production: one version's ids, read in one go. */
export interface ServiceView {
  count: number;
  ids: string[];
}

export interface StoreFixture {
  kind: VectorStoreKind;
  /** The `--store` value: a LanceDB folder, or a PostgreSQL URI with a schema of this file's own. */
  location: string;
  store: VectorStore;
  /**
   * Reads production the way a service would, without our store code: LanceDB `checkout
   * ("production")` on a fresh handle, then count and ids from that pinned handle; PostgreSQL one
   * statement that follows the pointer. Null before any promotion.
   */
  serviceRead(kb: string): Promise<ServiceView | null>;
  /** Writes a row past the seam (LanceDB `add` on the candidate's branch, PostgreSQL INSERT). */
  rawInsert(kb: string, candidateId: string, chunkId: string, dims: number): Promise<void>;
  close(): Promise<void>;
}

async function lanceFixture(): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'kb-lancedb-'));
  const store = await openVectorStore(dir);
  const db = await connect(dir);
  return {
    kind: 'lancedb',
    location: dir,
    store,
    async serviceRead(kb) {
      const table = await db.openTable(kb);
      if (!('production' in (await (await table.tags()).list()))) return null;
      await table.checkout('production');
      const rows = await table.query().select(['chunk_id']).toArray();
      return {
        count: await table.countRows(),
        ids: rows.map((r: { chunk_id: string }) => r.chunk_id),
      };
    },
    async rawInsert(kb, candidateId, chunkId, dims) {
      const table = await db.openTable(kb);
      const branch = await (await table.branches()).checkout(`cand-${candidateId}`);
      await branch.add([
        {
          chunk_id: chunkId,
          doc_id: 'raw',
          content_hash: 'raw',
          text: 'raw',
          start_char: 0,
          end_char: 0,
          vector: new Array<number>(dims).fill(0.5),
        },
      ]);
    },
    async close() {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresFixture(): Promise<StoreFixture> {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const url = inject('postgresUrl');
  const location = `${url}?schema=${schema}`;
  const store = await openVectorStore(location);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    kind: 'postgres',
    location,
    store,
    async serviceRead(kb) {
      const r = await pool.query<{ ids: string[] | null; n: string }>(
        `SELECT array_agg(c.chunk_id) AS ids, count(*) AS n FROM "${schema}".kb_chunks c
          WHERE c.version_id = (SELECT version_id FROM "${schema}".kb_aliases WHERE kb = $1 AND alias = 'production')`,
        [kb],
      );
      const row = r.rows[0];
      const pointer = await pool.query(`SELECT 1 FROM "${schema}".kb_aliases WHERE kb = $1`, [kb]);
      if (!row || (pointer.rowCount === 0 && Number(row.n) === 0)) return null;
      return { count: Number(row.n), ids: row.ids ?? [] };
    },
    async rawInsert(kb, candidateId, chunkId, dims) {
      await pool.query(
        `INSERT INTO "${schema}".kb_chunks SELECT v.id, $3, 'raw', 'raw', 'raw', 0, 0, $4::vector
           FROM "${schema}".kb_versions v WHERE v.kb = $1 AND v.candidate_id = $2`,
        [kb, candidateId, chunkId, `[${new Array<number>(dims).fill(0.5).join(',')}]`],
      );
    },
    async close() {
      await store.close();
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

export const storeFixture = (kind: VectorStoreKind): Promise<StoreFixture> =>
  kind === 'lancedb' ? lanceFixture() : postgresFixture();
