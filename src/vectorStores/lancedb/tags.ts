import type { Connection, Table } from '@lancedb/lancedb';
import { versionIdOf, type BranchVersion } from './names.js';

// Tags are the pointers. A tag names (branch, version); it is created or moved through a handle on
// that branch. Moving a tag rewrites one small file in `_refs/tags/`: a reader resolving it gets
// the old target or the new one, never a mix of the two versions.

export interface ResolvedTag {
  branch: string;
  version: number;
  versionId: string;
  /** A handle checked out at the tag's target: reading it reads that version only. */
  handle: Table;
}

export async function tagNames(table: Table): Promise<Set<string>> {
  return new Set(Object.keys(await (await table.tags()).list()));
}

/** Where the tag points now, with a handle pinned there; null when there is no such tag. */
export async function resolveTag(
  db: Connection,
  kb: string,
  tag: string,
): Promise<ResolvedTag | null> {
  const handle = await db.openTable(kb);
  if (!(await tagNames(handle)).has(tag)) return null;
  await handle.checkout(tag);
  const branch = handle.currentBranch() ?? 'main';
  const version = await handle.version();
  return { branch, version, versionId: versionIdOf(branch, version), handle };
}

/** Points the tag at (branch, version), creating it if needed. */
export async function setTag(table: Table, tag: string, to: BranchVersion): Promise<void> {
  const onBranch = await (await table.branches()).checkout(to.branch);
  const tags = await onBranch.tags();
  if (tag in (await tags.list())) await tags.update(tag, to.version);
  else await tags.create(tag, to.version);
}

export async function deleteTag(table: Table, tag: string): Promise<void> {
  const tags = await table.tags();
  if (tag in (await tags.list())) await tags.delete(tag);
}
