import type { SearchHit } from './types.js';

// Exact search must give the same list for the same data and query, whatever order the store
// returns equal distances in: rank by distance, then by chunk id.

export const byDistanceThenId = (a: SearchHit, b: SearchHit): number =>
  a.distance - b.distance || (a.chunkId < b.chunkId ? -1 : a.chunkId > b.chunkId ? 1 : 0);

/**
 * The top k when the store can only be asked for "the nearest `limit`" and breaks ties its own
 * way: ask for a few more than k and, while the last one fetched is as near as the k-th (a tie
 * may straddle the cut), ask for more. Then every row left out is strictly farther than the k-th.
 */
export async function exactTopK(
  k: number,
  nearest: (limit: number) => Promise<SearchHit[]>,
): Promise<SearchHit[]> {
  for (let limit = k + 8; ; limit *= 2) {
    const hits = (await nearest(limit)).sort(byDistanceThenId);
    const last = hits[limit - 1];
    const kth = hits[k - 1];
    if (hits.length < limit || !last || !kth || last.distance > kth.distance) {
      return hits.slice(0, k);
    }
  }
}
