import type { ChunkRecord, SearchHit } from '../../../src/vectorStores/index.js';

/** mulberry32: the same seed, the same vectors, in every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Float32 values (as the stores keep them), so the brute force below sees the same numbers. */
export function randomVector(random: () => number, dims: number): number[] {
  return Array.from(Float32Array.from({ length: dims }, () => random() * 2 - 1));
}

export function chunk(id: string, vector: number[], docId = `doc-${id.slice(0, 1)}`): ChunkRecord {
  return {
    chunkId: id,
    docId,
    contentHash: `hash-${id}`,
    text: `text of ${id}`,
    start: 0,
    end: 10,
    vector,
  };
}

/** n chunks `${prefix}000…` with seeded random vectors, over `docs` documents. */
export function chunks(
  prefix: string,
  n: number,
  dims: number,
  seed: number,
  docs = 5,
): ChunkRecord[] {
  const random = seeded(seed);
  return Array.from({ length: n }, (_, i) =>
    chunk(
      `${prefix}${String(i).padStart(4, '0')}`,
      randomVector(random, dims),
      `${prefix}-doc-${i % docs}`,
    ),
  );
}

/** Cosine distance in float64. */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

/** The exact answer, computed here by brute force: all distances, sorted by distance then id. */
export function bruteForce(
  rows: readonly ChunkRecord[],
  query: ArrayLike<number>,
  k: number,
  docIds?: readonly string[],
): SearchHit[] {
  return rows
    .filter((r) => !docIds || docIds.includes(r.docId))
    .map((r) => ({
      chunkId: r.chunkId,
      docId: r.docId,
      text: r.text,
      distance: cosineDistance(r.vector, query),
    }))
    .sort((a, b) => a.distance - b.distance || (a.chunkId < b.chunkId ? -1 : 1))
    .slice(0, k);
}
