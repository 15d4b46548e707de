import type pg from 'pg';
import { checkK, checkVector } from '../errors.js';
import type { IndexReader, SearchHit, SearchRequest } from '../types.js';
import { vectorLiteral } from './db.js';
import { tableIn } from './schema.js';

interface HitRow {
  chunk_id: string;
  doc_id: string;
  text: string;
  distance: number;
}

/**
 * Reads the rows of one version (`version_id`). Search is exact: no approximate index exists, so
 * PostgreSQL scans the version's rows and sorts by cosine distance (`<=>`), ties by chunk id.
 */
export class PgReader implements IndexReader {
  constructor(
    readonly kb: string,
    protected readonly pool: pg.Pool,
    protected readonly schema: string,
    protected readonly versionId: string,
    protected readonly dims: number,
  ) {}

  protected get chunks(): string {
    return tableIn(this.schema, 'kb_chunks');
  }

  async count(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.chunks} WHERE version_id = $1`,
      [this.versionId],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async listIds(): Promise<string[]> {
    const r = await this.pool.query<{ chunk_id: string }>(
      `SELECT chunk_id FROM ${this.chunks} WHERE version_id = $1`,
      [this.versionId],
    );
    return r.rows.map((row) => row.chunk_id);
  }

  async search(request: SearchRequest): Promise<SearchHit[]> {
    checkVector(request.vector, this.dims, 'The query vector');
    const k = checkK(request.k);
    const docIds = request.filter?.docIds;
    const params: unknown[] = [this.versionId, vectorLiteral(request.vector), k];
    if (docIds) params.push([...docIds]);
    const r = await this.pool.query<HitRow>(
      `SELECT chunk_id, doc_id, text, embedding <=> $2::vector AS distance
         FROM ${this.chunks}
        WHERE version_id = $1 ${docIds ? 'AND doc_id = ANY($4::text[])' : ''}
        ORDER BY distance, chunk_id
        LIMIT $3`,
      params,
    );
    return r.rows.map((row) => ({
      chunkId: row.chunk_id,
      docId: row.doc_id,
      text: row.text,
      distance: Number(row.distance),
    }));
  }
}
