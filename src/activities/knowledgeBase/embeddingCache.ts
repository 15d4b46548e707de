import type { Connection, Table } from '@lancedb/lancedb';
import type { EmbeddingSpec } from '../../shared/knowledgeBaseTypes.js';
import { arrow, arrowTable } from '../../vectorStores/lancedb/arrowRows.js';
import { inList } from '../../vectorStores/lancedb/schema.js';

// The embedding cache: every vector this worker was ever given, keyed by the sha256 of its text,
// one table per (provider, model, dims) in an embedded LanceDB folder under the worker's
// knowledge-base folder. Why here and not in the store: it serves every knowledge base and every
// store kind alike (a PostgreSQL store gets it without a schema of its own), it outlives rejected
// candidates and rolled-back versions (re-ingesting them embeds nothing), and LanceDB is already
// the embedded store's engine: each write is one atomic commit (a worker killed mid-write leaves
// the batch whole or absent) and vectors are kept as float32 (6 KiB for 1,536 dimensions).
// Question vectors of the retrieval gate live here too: both arms of the A/B get the same ones.

/** Hashes per IN-list query. */
const SLICE = 500;

export interface CachedVector {
  hash: string;
  vector: Float32Array;
}

export interface EmbeddingCache {
  /** Which of these text hashes have a vector. */
  has(hashes: readonly string[]): Promise<Set<string>>;
  /** The vectors of those of these hashes that have one. */
  get(hashes: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Adds vectors; hashes already there keep theirs (one commit). */
  put(entries: readonly CachedVector[]): Promise<void>;
  count(): Promise<number>;
}

/** `openai__text-embedding-3-small__1536`: one table per way of embedding. */
export function cacheTableName(spec: Pick<EmbeddingSpec, 'provider' | 'model' | 'dims'>): string {
  const plain = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return `${plain(spec.provider)}__${plain(spec.model)}__${spec.dims}`;
}

function schemaFor(dims: number) {
  return new arrow.Schema([
    new arrow.Field('hash', new arrow.Utf8(), false),
    new arrow.Field(
      'vector',
      new arrow.FixedSizeList(dims, new arrow.Field('item', new arrow.Float32(), true)),
      false,
    ),
  ]);
}

const connections = new Map<string, Promise<Connection>>();

/** LanceDB is loaded on first use: a worker that never ingests never loads its native library. */
async function connection(dir: string): Promise<Connection> {
  let c = connections.get(dir);
  if (!c) {
    c = import('@lancedb/lancedb').then(({ connect }) =>
      connect(dir, { readConsistencyInterval: 0 }),
    );
    connections.set(dir, c);
    c.catch(() => connections.delete(dir));
  }
  return c;
}

export async function openEmbeddingCache(
  dir: string,
  spec: EmbeddingSpec,
): Promise<EmbeddingCache> {
  const db = await connection(dir);
  const name = cacheTableName(spec);
  const table: Table = (await db.tableNames()).includes(name)
    ? await db.openTable(name)
    : await db.createEmptyTable(name, schemaFor(spec.dims), { mode: 'create', existOk: true });

  const query = async (hashes: readonly string[], columns: string[]) => {
    const rows: Record<string, unknown>[] = [];
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += SLICE) {
      const slice = unique.slice(i, i + SLICE);
      const arrow = await table.query().where(inList('hash', slice)).select(columns).toArrow();
      const hash = arrow.getChild('hash');
      const vector = columns.includes('vector') ? arrow.getChild('vector') : null;
      for (let r = 0; r < arrow.numRows; r++) {
        rows.push({
          hash: String(hash?.get(r)),
          ...(vector ? { vector: (vector.get(r) as { toArray(): Float32Array }).toArray() } : {}),
        });
      }
    }
    return rows;
  };

  return {
    async has(hashes) {
      if (hashes.length === 0) return new Set();
      // Many asked of a small table: one scan of its hashes beats many IN lists.
      if (hashes.length > SLICE * 4 && (await table.countRows()) < hashes.length * 20) {
        const wanted = new Set(hashes);
        const arrow = await table.query().select(['hash']).toArrow();
        const col = arrow.getChild('hash');
        const found = new Set<string>();
        for (let r = 0; r < arrow.numRows; r++) {
          const h = String(col?.get(r));
          if (wanted.has(h)) found.add(h);
        }
        return found;
      }
      return new Set((await query(hashes, ['hash'])).map((r) => r.hash as string));
    },
    async get(hashes) {
      const out = new Map<string, Float32Array>();
      for (const r of await query(hashes, ['hash', 'vector'])) {
        out.set(r.hash as string, Float32Array.from(r.vector as Float32Array));
      }
      return out;
    },
    async put(entries) {
      if (entries.length === 0) return;
      const data = arrowTable({
        strings: { hash: entries.map((e) => e.hash) },
        vectors: { name: 'vector', dims: spec.dims, rows: entries.map((e) => e.vector) },
      });
      await table.mergeInsert('hash').whenNotMatchedInsertAll().execute(data);
    },
    count: () => table.countRows(),
  };
}
