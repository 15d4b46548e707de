// A RAG service's handle on production (openProductionIndex): opened on v1, it serves v2 once v2
// is promoted and v1 again after a rollback, without being reopened; the store is opened from its
// location, as a service would, and another store handle (the pipeline's) moves the pointer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openProductionIndex,
  type ProductionIndex,
  type ProductionIndexChange,
} from '../../src/vectorStores/productionIndex.js';
import { eventually } from '../support/eventually.js';
import { chunks } from './support/data.js';
import { STORE_KINDS, storeFixture, type StoreFixture } from './support/fixtures.js';

const DIMS = 16;

describe.each(STORE_KINDS)('%s store: the production index a service holds', (kind) => {
  let f: StoreFixture;
  let handle: ProductionIndex | undefined;
  beforeAll(async () => {
    f = await storeFixture(kind);
  });
  afterAll(async () => {
    await handle?.close();
    await f?.close();
  });

  it('follows promotion and rollback without a restart', async () => {
    const kb = 'served';
    const v1Rows = chunks('one', 40, DIMS, 5);
    const v2Rows = chunks('two', 40, DIMS, 6);
    const seal = async (id: string, rows: typeof v1Rows) => {
      const c = await f.store.openCandidate({ kb, candidateId: id, dims: DIMS });
      await c.upsert(rows);
      return (await c.seal()).versionId;
    };
    const v1 = await seal('v1', v1Rows);
    const v2 = await seal('v2', v2Rows);

    const changes: ProductionIndexChange[] = [];
    handle = await openProductionIndex({
      kb,
      store: f.location,
      intervalMs: 50,
      onChange: (c) => changes.push(c),
    });
    expect(handle.current()).toBeNull();
    await expect(handle.search({ vector: v1Rows[0]!.vector, k: 1 })).rejects.toThrow(
      /no production version yet/,
    );

    await f.store.promote({ kb, to: v1, expected: null });
    await eventually(
      'the handle to serve v1',
      () => handle!.current()?.versionId === v1 || undefined,
    );
    const top = async (vector: ArrayLike<number>) =>
      (await handle!.search({ vector, k: 1 }))[0]?.chunkId;
    expect(await top(v1Rows[3]!.vector)).toBe(v1Rows[3]!.chunkId);

    await f.store.promote({ kb, to: v2, expected: v1 });
    await eventually(
      'the handle to serve v2',
      () => handle!.current()?.versionId === v2 || undefined,
    );
    expect(await top(v1Rows[3]!.vector)).toMatch(/^two/); // v1's chunks are gone from what it serves
    expect(await top(v2Rows[7]!.vector)).toBe(v2Rows[7]!.chunkId);

    await f.store.rollback({ kb, expected: v2 });
    await eventually(
      'the handle to serve v1 again',
      () => handle!.current()?.versionId === v1 || undefined,
    );
    expect(await top(v1Rows[3]!.vector)).toBe(v1Rows[3]!.chunkId);

    expect(changes).toEqual([
      { kb, from: null, to: v1 },
      { kb, from: v1, to: v2 },
      { kb, from: v2, to: v1 },
    ]);
    expect(await handle.refresh()).toBe(false);
  });
});
