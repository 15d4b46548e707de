import { describe, expect, it } from 'vitest';
import {
  checkManifest,
  idSetDigest,
  MANIFEST_EXAMPLES,
} from '../../../src/vectorStores/manifest.js';

describe('checkManifest', () => {
  it('passes when every manifest id is stored exactly once and nothing else is', () => {
    const r = checkManifest(['c', 'a', 'b'], ['a', 'b', 'c']);
    expect(r).toMatchObject({ ok: true, stored: 3, expected: 3 });
    expect([r.missing.count, r.duplicates.count, r.stale.count]).toEqual([0, 0, 0]);
  });

  it('names each kind of problem, with exact counts and sorted examples', () => {
    const r = checkManifest(['a', 'b', 'b', 'x', 'b', 'y'], ['a', 'b', 'c', 'd']);
    expect(r.ok).toBe(false);
    expect(r.stored).toBe(6);
    expect(r.missing).toEqual({ count: 2, examples: ['c', 'd'] });
    expect(r.duplicates).toEqual({ count: 1, examples: ['b'] });
    expect(r.stale).toEqual({ count: 2, examples: ['x', 'y'] });
  });

  it('fails on a duplicate alone (the id set matches, the rows do not)', () => {
    const r = checkManifest(['a', 'a'], ['a']);
    expect(r.ok).toBe(false);
    expect(r.duplicates.count).toBe(1);
    expect(r.storedDigest).toBe(idSetDigest(['a']));
  });

  it('keeps reports small: at most MANIFEST_EXAMPLES examples, the count exact', () => {
    const manifest = Array.from({ length: 1000 }, (_, i) => `id-${String(i).padStart(4, '0')}`);
    const r = checkManifest([], manifest);
    expect(r.missing.count).toBe(1000);
    expect(r.missing.examples).toHaveLength(MANIFEST_EXAMPLES);
    expect(r.missing.examples[0]).toBe('id-0000');
  });

  it('digests the id set whatever the order, and tells different sets apart', () => {
    expect(idSetDigest(['b', 'a', 'a'])).toBe(idSetDigest(['a', 'b']));
    expect(idSetDigest(['a', 'b'])).not.toBe(idSetDigest(['a', 'b', 'c']));
    // Not a plain concatenation: ids that join to the same text differ.
    expect(idSetDigest(['ab', 'c'])).not.toBe(idSetDigest(['a', 'bc']));
  });
});
