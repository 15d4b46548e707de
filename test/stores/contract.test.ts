// The seam's contract, held by both stores: the same tests against a real LanceDB folder and a
// real PostgreSQL (the tier's server). Atomic promotion under a polling reader and a writer killed
// mid-batch have files of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkManifest, VectorStoreError } from '../../src/vectorStores/index.js';
import { bruteForce, chunk, chunks, randomVector, seeded } from './support/data.js';
import { STORE_KINDS, storeFixture, type StoreFixture } from './support/fixtures.js';

const DIMS = 24;

async function rejection(p: Promise<unknown>): Promise<VectorStoreError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VectorStoreError) return err;
    throw err;
  }
  throw new Error('expected a VectorStoreError, but it resolved');
}

describe.each(STORE_KINDS)('%s store', (kind) => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture(kind);
  });
  afterAll(() => f?.close());

  it('upserts by chunk id: a batch written twice (or re-written with new values) leaves one row per id', async () => {
    const c = await f.store.openCandidate({ kb: 'idem', candidateId: 'c1', dims: DIMS });
    expect(c.created).toBe(true);
    const batch = chunks('a', 50, DIMS, 1);
    expect(await c.upsert(batch)).toEqual({ written: 50 });
    expect(await c.upsert(batch)).toEqual({ written: 50 });
    // The same id twice in one batch: the last one wins, still one row.
    const changed = chunk('a0007', randomVector(seeded(99), DIMS), 'moved-doc');
    await c.upsert([chunk('a0007', randomVector(seeded(98), DIMS)), changed]);
    expect(await c.count()).toBe(50);
    const ids = await c.listIds();
    expect(new Set(ids).size).toBe(50);
    const [hit] = await c.search({ vector: changed.vector, k: 1 });
    expect(hit).toMatchObject({ chunkId: 'a0007', docId: 'moved-doc' });
    expect(hit?.distance).toBeLessThan(1e-5);

    const again = await f.store.openCandidate({ kb: 'idem', candidateId: 'c1', dims: DIMS });
    expect(again.created).toBe(false);
    expect(await again.count()).toBe(50);
  });

  it('the manifest check passes an exact candidate and names missing, duplicate and stale ids', async () => {
    const c = await f.store.openCandidate({ kb: 'manifest', candidateId: 'c1', dims: DIMS });
    const rows = chunks('m', 30, DIMS, 2);
    await c.upsert(rows);
    const manifest = rows.map((r) => r.chunkId);
    expect(checkManifest(await c.listIds(), manifest)).toMatchObject({
      ok: true,
      stored: 30,
      expected: 30,
    });

    await c.deleteIds(['m0003']);
    await c.upsert([chunk('old-0001', randomVector(seeded(5), DIMS))]);
    const broken = checkManifest(await c.listIds(), manifest);
    expect(broken.ok).toBe(false);
    expect(broken.missing).toEqual({ count: 1, examples: ['m0003'] });
    expect(broken.stale).toEqual({ count: 1, examples: ['old-0001'] });
    expect(broken.duplicates.count).toBe(0);

    // A duplicate can only come from outside the seam: LanceDB takes it (the check must catch
    // it); PostgreSQL's primary key refuses it.
    await c.deleteIds(['old-0001']);
    await c.upsert([rows[3]!]);
    const raw = f.rawInsert('manifest', 'c1', 'm0010', DIMS);
    if (kind === 'lancedb') {
      await raw;
      const dup = checkManifest(await c.listIds(), manifest);
      expect(dup.ok).toBe(false);
      expect(dup.duplicates).toEqual({ count: 1, examples: ['m0010'] });
      expect(dup.stored).toBe(31);
    } else {
      await expect(raw).rejects.toMatchObject({ code: '23505' }); // unique_violation
      expect(checkManifest(await c.listIds(), manifest).ok).toBe(true);
    }
  });

  it('exact search equals a brute-force cosine ranking, with and without a document filter', async () => {
    const rows = chunks('s', 300, DIMS, 3, 7);
    const c = await f.store.openCandidate({ kb: 'search', candidateId: 'c1', dims: DIMS });
    for (let i = 0; i < rows.length; i += 100) await c.upsert(rows.slice(i, i + 100));
    const version = await c.seal();
    const reader = await f.store.openVersion(version);
    const random = seeded(4);
    for (let q = 0; q < 8; q++) {
      const query = randomVector(random, DIMS);
      const docIds = q % 2 ? ['s-doc-1', 's-doc-4'] : undefined;
      const got = await reader.search({ vector: query, k: 10, filter: docIds && { docIds } });
      const want = bruteForce(rows, query, 10, docIds);
      expect(got.map((h) => h.chunkId)).toEqual(want.map((h) => h.chunkId));
      got.forEach((h, i) => expect(h.distance).toBeCloseTo(want[i]!.distance, 5));
      if (docIds) expect(got.every((h) => docIds.includes(h.docId))).toBe(true);
    }
    expect(await reader.search({ vector: rows[0]!.vector, k: 3, filter: { docIds: [] } })).toEqual(
      [],
    );
  });

  it('breaks distance ties by chunk id, even when the tie straddles k', async () => {
    const same = randomVector(seeded(6), DIMS);
    // 40 chunks at exactly the same point, inserted in an order unrelated to their ids.
    const ties = Array.from({ length: 40 }, (_, i) =>
      chunk(`t${String((i * 17) % 40).padStart(2, '0')}`, same),
    );
    const others = chunks('x', 60, DIMS, 7);
    const c = await f.store.openCandidate({ kb: 'ties', candidateId: 'c1', dims: DIMS });
    await c.upsert([...others.slice(0, 30), ...ties, ...others.slice(30)]);
    for (const k of [1, 5, 39, 45]) {
      const got = await c.search({ vector: same, k });
      expect(got.map((h) => h.chunkId)).toEqual(
        bruteForce([...ties, ...others], same, k).map((h) => h.chunkId),
      );
    }
    const [first] = await c.search({ vector: same, k: 5 });
    expect(first?.chunkId).toBe('t00');
  });

  it('refuses vectors of the wrong size and writes into a sealed candidate', async () => {
    const c = await f.store.openCandidate({ kb: 'sealed', candidateId: 'c1', dims: DIMS });
    expect((await rejection(c.upsert([chunk('w1', [1, 2, 3])]))).kind).toBe('invalid');
    await c.upsert(chunks('w', 5, DIMS, 8));
    const v = await c.seal();
    expect(await c.seal()).toEqual(v); // sealing again names the same version
    expect((await rejection(c.upsert(chunks('z', 1, DIMS, 9)))).kind).toBe('sealed');
    expect((await rejection(c.deleteIds(['w0001']))).kind).toBe('sealed');
    expect(await (await f.store.openVersion(v)).count()).toBe(5);
    expect((await rejection(c.search({ vector: [1], k: 1 }))).kind).toBe('invalid');
  });

  it('copies production forward into a new candidate, which changes nothing in production', async () => {
    const kb = 'forward';
    const a = await f.store.openCandidate({ kb, candidateId: 'a', dims: DIMS });
    const rows = chunks('f', 40, DIMS, 10);
    await a.upsert(rows);
    const va = await a.seal();
    await f.store.promote({ kb, to: va.versionId, expected: null });

    const base = await f.store.production(kb);
    const b = await f.store.openCandidate({ kb, candidateId: 'b', dims: DIMS, base: base! });
    expect(b.created).toBe(true);
    expect((await b.listIds()).sort()).toEqual(rows.map((r) => r.chunkId));
    await b.deleteIds(['f0000', 'f0001']);
    await b.upsert(chunks('g', 3, DIMS, 11));
    // Opening it again (a retried activity) copies nothing twice.
    const bAgain = await f.store.openCandidate({ kb, candidateId: 'b', dims: DIMS, base: base! });
    expect(bAgain.created).toBe(false);
    expect(await bAgain.count()).toBe(41);

    const prod = await f.store.openVersion(va);
    expect(await prod.count()).toBe(40);
    expect(await f.serviceRead(kb)).toMatchObject({ count: 40 });
    const vb = await b.seal();
    expect(vb.versionId).not.toBe(va.versionId);
    expect((await f.store.production(kb))?.versionId).toBe(va.versionId);
  });

  it('promotes with compare-and-swap, rolls back to what was replaced, and says so when there is nothing', async () => {
    const kb = 'pointer';
    const versions: string[] = [];
    for (const id of ['one', 'two', 'three']) {
      const c = await f.store.openCandidate({ kb, candidateId: id, dims: DIMS });
      await c.upsert(chunks(id, 3, DIMS, versions.length + 20));
      versions.push((await c.seal()).versionId);
    }
    const [v1, v2, v3] = versions as [string, string, string];
    expect(await f.store.production(kb)).toBeNull();
    expect(await f.store.resolve(kb)).toBeNull();
    expect(await f.serviceRead(kb)).toBeNull();

    expect(await f.store.promote({ kb, to: v1, expected: null })).toEqual({
      kb,
      alias: 'production',
      from: null,
      to: v1,
      moved: true,
    });
    // A retried promotion finds the move done; a stale expectation is refused.
    expect((await f.store.promote({ kb, to: v1, expected: null })).moved).toBe(false);
    expect((await rejection(f.store.promote({ kb, to: v2, expected: null }))).kind).toBe(
      'stale-production',
    );
    await f.store.promote({ kb, to: v2, expected: v1 });
    await f.store.promote({ kb, to: v3, expected: v2 });
    expect(await f.serviceRead(kb)).toMatchObject({ count: 3 });
    expect((await f.serviceRead(kb))?.ids.every((id) => id.startsWith('three'))).toBe(true);

    expect((await f.store.rollbackTarget(kb))?.versionId).toBe(v2);
    expect(await f.store.rollback({ kb, expected: v3 })).toMatchObject({
      from: v3,
      to: v2,
      moved: true,
    });
    // The same rollback retried: already done, nothing moves.
    expect(await f.store.rollback({ kb, expected: v3 })).toMatchObject({ to: v2, moved: false });
    expect((await f.store.rollbackTarget(kb))?.versionId).toBe(v1);
    await f.store.rollback({ kb, expected: v2 });
    expect((await f.store.production(kb))?.versionId).toBe(v1);
    expect(await f.store.rollbackTarget(kb)).toBeNull();
    expect((await rejection(f.store.rollback({ kb, expected: v1 }))).kind).toBe(
      'nothing-to-roll-back',
    );
    expect((await f.serviceRead(kb))?.ids.every((id) => id.startsWith('one'))).toBe(true);

    const resolved = await f.store.resolve(kb);
    expect(resolved).toMatchObject({ kb, versionId: v1, store: kind, dims: DIMS });
    expect(resolved?.location).not.toMatch(/:[^/@]*@/); // no password in what a service is told
  });

  it('refuses to promote what is not a sealed version of the knowledge base', async () => {
    const kb = 'unsealed';
    const c = await f.store.openCandidate({ kb, candidateId: 'open', dims: DIMS });
    await c.upsert(chunks('u', 2, DIMS, 30));
    const other = await f.store.openCandidate({ kb: 'elsewhere', candidateId: 'x', dims: DIMS });
    const elsewhere = await other.seal();
    const bogus = kind === 'lancedb' ? 'cand-open:2' : '999999';
    expect((await rejection(f.store.promote({ kb, to: bogus, expected: null }))).kind).toBe(
      'not-found',
    );
    expect(
      (await rejection(f.store.promote({ kb, to: elsewhere.versionId, expected: null }))).kind,
    ).toBe('not-found');
    expect((await rejection(f.store.openVersion({ kb, versionId: bogus }))).kind).toBe('not-found');
  });

  it('drops an unpromoted candidate, but not one production or a rollback record needs', async () => {
    const kb = 'drop';
    const a = await f.store.openCandidate({ kb, candidateId: 'a', dims: DIMS });
    await a.upsert(chunks('d', 4, DIMS, 40));
    const va = await a.seal();
    await f.store.promote({ kb, to: va.versionId, expected: null });
    const b = await f.store.openCandidate({ kb, candidateId: 'b', dims: DIMS });
    await b.upsert(chunks('e', 4, DIMS, 41));
    const vb = await b.seal();
    await f.store.promote({ kb, to: vb.versionId, expected: va.versionId });
    const rejected = await f.store.openCandidate({ kb, candidateId: 'rejected', dims: DIMS });
    await rejected.upsert(chunks('r', 4, DIMS, 42));
    const vr = await rejected.seal();

    expect((await rejection(f.store.dropCandidate(kb, 'b'))).kind).toBe('in-use'); // production
    expect((await rejection(f.store.dropCandidate(kb, 'a'))).kind).toBe('in-use'); // rollback target
    await f.store.dropCandidate(kb, 'rejected');
    await f.store.dropCandidate(kb, 'rejected'); // absent is fine
    expect((await rejection(f.store.openVersion(vr))).kind).toBe('not-found');
    const reopened = await f.store.openCandidate({ kb, candidateId: 'rejected', dims: DIMS });
    expect(reopened.created).toBe(true);
    expect(await reopened.count()).toBe(0);
    // A writer still holding a dropped candidate cannot seal it into a version.
    const stale = await f.store.openCandidate({ kb, candidateId: 'stale', dims: DIMS });
    await stale.upsert(chunks('s', 2, DIMS, 43));
    await f.store.dropCandidate(kb, 'stale');
    expect((await rejection(stale.seal())).kind).toBe('not-found');
    expect(await f.store.production(kb)).toEqual({ kb, versionId: vb.versionId });
  });

  it('rejects names that could not be a table, branch or tag name', async () => {
    expect(
      (await rejection(f.store.openCandidate({ kb: 'a/b', candidateId: 'c', dims: 3 }))).kind,
    ).toBe('invalid');
    expect(
      (await rejection(f.store.openCandidate({ kb: 'ok', candidateId: "x'; drop", dims: 3 }))).kind,
    ).toBe('invalid');
    expect(
      (await rejection(f.store.openCandidate({ kb: 'ok', candidateId: 'c', dims: 0 }))).kind,
    ).toBe('invalid');
  });
});
