import { describe, expect, it } from 'vitest';
import { exactTopK } from '../../../src/vectorStores/ranking.js';
import type { SearchHit } from '../../../src/vectorStores/types.js';

const hit = (chunkId: string, distance: number): SearchHit => ({
  chunkId,
  docId: 'd',
  text: '',
  distance,
});

/** A store that returns the nearest `limit`, breaking ties in the worst order (reverse id). */
function adversarialStore(rows: SearchHit[]) {
  const asked: number[] = [];
  const nearest = (limit: number): Promise<SearchHit[]> => {
    asked.push(limit);
    const sorted = [...rows].sort(
      (a, b) => a.distance - b.distance || (a.chunkId < b.chunkId ? 1 : -1),
    );
    return Promise.resolve(sorted.slice(0, limit).reverse());
  };
  return { nearest, asked };
}

describe('exactTopK', () => {
  it('ranks by distance, then chunk id, whatever order the store answers in', async () => {
    const s = adversarialStore([hit('c', 0.3), hit('a', 0.1), hit('b', 0.2)]);
    expect((await exactTopK(2, s.nearest)).map((h) => h.chunkId)).toEqual(['a', 'b']);
  });

  it('asks for more while a tie straddles the cut, so the smallest ids of the tie win', async () => {
    const tied = Array.from({ length: 50 }, (_, i) => hit(`t${String(i).padStart(2, '0')}`, 0.5));
    const s = adversarialStore([hit('near', 0.1), ...tied, hit('far', 0.9)]);
    const top = await exactTopK(3, s.nearest);
    expect(top.map((h) => h.chunkId)).toEqual(['near', 't00', 't01']);
    expect(s.asked.length).toBeGreaterThan(1); // the first answer (11 rows) was all tie
    expect(s.asked.at(-1)).toBeGreaterThanOrEqual(52);
  });

  it('stops after one call when the last row fetched is strictly farther than the k-th', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => hit(`r${i}`, i / 100));
    const s = adversarialStore(rows);
    expect(await exactTopK(5, s.nearest)).toHaveLength(5);
    expect(s.asked).toEqual([13]);
  });

  it('returns what there is when the index holds fewer than k rows', async () => {
    const s = adversarialStore([hit('b', 0.2), hit('a', 0.2)]);
    expect((await exactTopK(10, s.nearest)).map((h) => h.chunkId)).toEqual(['a', 'b']);
  });
});
