import { createHash } from 'node:crypto';

// The check a candidate must pass before it may be sealed: the store holds every chunk id of the
// manifest exactly once and nothing else. Pure: the activity lists the ids (IndexReader.listIds)
// and the manifest, this decides. Only counts, a digest and a few example ids leave the activity.

/** How many example ids of each problem a report carries (the counts are exact). */
export const MANIFEST_EXAMPLES = 20;

export interface ManifestCheck {
  ok: boolean;
  /** Ids stored, duplicates included. */
  stored: number;
  expected: number;
  /** In the manifest, not in the store. */
  missing: { count: number; examples: string[] };
  /** Stored more than once. */
  duplicates: { count: number; examples: string[] };
  /** In the store, not in the manifest: left over from an earlier version or a changed document. */
  stale: { count: number; examples: string[] };
  /** sha256 over the sorted distinct stored ids: the same set always gives the same digest. */
  storedDigest: string;
}

const examples = (ids: Iterable<string>): { count: number; examples: string[] } => {
  const all = [...ids].sort();
  return { count: all.length, examples: all.slice(0, MANIFEST_EXAMPLES) };
};

/** The digest of an id set, order and duplicates ignored. */
export function idSetDigest(ids: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const id of [...new Set(ids)].sort()) hash.update(id).update('\n');
  return hash.digest('hex');
}

export function checkManifest(
  storedIds: readonly string[],
  manifestIds: Iterable<string>,
): ManifestCheck {
  const expected = new Set(manifestIds);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const id of storedIds) {
    if (seen.has(id)) duplicates.add(id);
    seen.add(id);
  }
  const missing = [...expected].filter((id) => !seen.has(id));
  const stale = [...seen].filter((id) => !expected.has(id));
  return {
    ok: missing.length === 0 && duplicates.size === 0 && stale.length === 0,
    stored: storedIds.length,
    expected: expected.size,
    missing: examples(missing),
    duplicates: examples(duplicates),
    stale: examples(stale),
    storedDigest: idSetDigest(seen),
  };
}
