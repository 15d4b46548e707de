import type { Table } from '@lancedb/lancedb';
import { checkK, checkVector } from '../errors.js';
import { exactTopK } from '../ranking.js';
import type { IndexReader, SearchHit, SearchRequest } from '../types.js';
import { inList, VECTOR_COLUMN } from './schema.js';

interface HitRow {
  chunk_id: string;
  doc_id: string;
  text: string;
  _distance: number;
}

/**
 * Reads one Lance table handle: a version checked out (pinned) or a candidate branch. Search is a
 * flat scan (`bypassVectorIndex`) by cosine distance, so it is exact whether or not an index
 * exists.
 */
export class LanceReader implements IndexReader {
  constructor(
    readonly kb: string,
    protected readonly table: Table,
    protected readonly dims: number,
  ) {}

  count(): Promise<number> {
    return this.table.countRows();
  }

  async listIds(): Promise<string[]> {
    const arrow = await this.table.query().select(['chunk_id']).toArrow();
    const column = arrow.getChild('chunk_id');
    const ids: string[] = [];
    for (let i = 0; i < arrow.numRows; i++) ids.push(String(column?.get(i)));
    return ids;
  }

  async search(request: SearchRequest): Promise<SearchHit[]> {
    checkVector(request.vector, this.dims, 'The query vector');
    const k = checkK(request.k);
    const docIds = request.filter?.docIds;
    if (docIds && docIds.length === 0) return [];
    const vector = Float32Array.from(request.vector);
    return exactTopK(k, async (limit) => {
      let query = this.table
        .vectorSearch(vector)
        .column(VECTOR_COLUMN)
        .distanceType('cosine')
        .bypassVectorIndex()
        .select(['chunk_id', 'doc_id', 'text', '_distance'])
        .limit(limit);
      if (docIds) query = query.where(inList('doc_id', docIds));
      const rows = (await query.toArray()) as HitRow[];
      return rows.map((r) => ({
        chunkId: r.chunk_id,
        docId: r.doc_id,
        text: r.text,
        distance: r._distance,
      }));
    });
  }
}
