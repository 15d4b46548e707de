// Promotion and rollback are atomic for readers: while production moves back and forth between
// two versions, a reader polling it (as a RAG service would, and through the seam) sees one
// version or the other, whole, every time — never a mix of their rows, never an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunks } from './support/data.js';
import { STORE_KINDS, storeFixture, type StoreFixture } from './support/fixtures.js';

const DIMS = 16;
const MOVES = 30;

interface Observations {
  seen: { A: number; B: number };
  wrong: string[];
}

/**
 * Polls production (the service's way and the seam's way) while `move` runs; classifies every read
 * as version A, version B, or wrong.
 */
async function pollWhile(
  f: StoreFixture,
  kb: string,
  sets: { A: string[]; B: string[] },
  move: () => Promise<void>,
): Promise<Observations> {
  const key = (ids: string[]): string => [...ids].sort().join(',');
  const setA = key(sets.A);
  const setB = key(sets.B);
  const seen = { A: 0, B: 0 };
  const wrong: string[] = [];
  const record = (count: number, ids: string[]): void => {
    const k = key(ids);
    if (k === setA && count === sets.A.length) seen.A++;
    else if (k === setB && count === sets.B.length) seen.B++;
    else wrong.push(`count ${count}, ${ids.length} ids`);
  };
  let moving = true;
  const serviceReader = (async () => {
    while (moving) {
      const view = await f.serviceRead(kb);
      if (!view) wrong.push('no production');
      else record(view.count, view.ids);
    }
  })();
  const seamReader = (async () => {
    while (moving) {
      const version = await f.store.production(kb);
      if (!version) {
        wrong.push('no production (seam)');
        continue;
      }
      const reader = await f.store.openVersion(version);
      record(await reader.count(), await reader.listIds());
    }
  })();
  try {
    await move();
  } finally {
    moving = false;
    await Promise.all([serviceReader, seamReader]);
  }
  return { seen, wrong };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(STORE_KINDS)('%s store: promotion under a polling reader', (kind) => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture(kind);
  });
  afterAll(() => f?.close());

  it('every read is version A or version B, whole; both are seen', async () => {
    const kb = 'atomic';
    // A: 200 chunks. B: 100 of A's plus 50 of its own, so any mix is neither set.
    const rowsA = chunks('a', 200, DIMS, 1);
    const rowsB = [...rowsA.slice(0, 100), ...chunks('b', 50, DIMS, 2)];
    const a = await f.store.openCandidate({ kb, candidateId: 'A', dims: DIMS });
    await a.upsert(rowsA);
    const va = await a.seal();
    const b = await f.store.openCandidate({ kb, candidateId: 'B', dims: DIMS, base: va });
    await b.deleteIds(rowsA.slice(100).map((r) => r.chunkId));
    await b.upsert(rowsB.slice(100));
    const vb = await b.seal();
    await f.store.promote({ kb, to: va.versionId, expected: null });

    const { seen, wrong } = await pollWhile(
      f,
      kb,
      { A: rowsA.map((r) => r.chunkId), B: rowsB.map((r) => r.chunkId) },
      async () => {
        for (let i = 0; i < MOVES; i++) {
          await f.store.promote({ kb, to: vb.versionId, expected: va.versionId });
          await pause(5);
          await f.store.rollback({ kb, expected: vb.versionId });
          await pause(5);
        }
      },
    );
    expect(wrong).toEqual([]);
    expect(seen.A).toBeGreaterThan(0);
    expect(seen.B).toBeGreaterThan(0);
    expect((await f.store.production(kb))?.versionId).toBe(va.versionId);
  });

  it('negative control: the same readers catch a half-built index when one is made visible', async () => {
    const kb = 'halfway';
    const rowsA = chunks('a', 100, DIMS, 3);
    const rowsB = chunks('b', 100, DIMS, 4);
    const versions: string[] = [];
    // A naive promotion that shows B while it is half written: A, then half of B, then B.
    for (const [id, rows] of [
      ['A', rowsA],
      ['half', rowsB.slice(0, 50)],
      ['B', rowsB],
    ] as const) {
      const c = await f.store.openCandidate({ kb, candidateId: id, dims: DIMS });
      await c.upsert(rows);
      versions.push((await c.seal()).versionId);
    }
    const [va, vHalf, vb] = versions as [string, string, string];
    await f.store.promote({ kb, to: va, expected: null });
    const { seen, wrong } = await pollWhile(
      f,
      kb,
      { A: rowsA.map((r) => r.chunkId), B: rowsB.map((r) => r.chunkId) },
      async () => {
        for (let i = 0; i < 10; i++) {
          await f.store.promote({ kb, to: vHalf, expected: va });
          await pause(10);
          await f.store.promote({ kb, to: vb, expected: vHalf });
          await pause(5);
          await f.store.promote({ kb, to: va, expected: vb });
          await pause(5);
        }
      },
    );
    expect(wrong.length).toBeGreaterThan(0);
    expect(wrong.every((w) => w.startsWith('count 50,'))).toBe(true);
    expect(seen.A + seen.B).toBeGreaterThan(0);
  });
});
