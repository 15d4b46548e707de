import { VectorStoreError } from '../errors.js';
import type { Alias } from '../types.js';

// Names inside one knowledge base's Lance table. Every index version lives on a branch of its
// own; the main branch holds only the schema (its first, empty version).
//   branch  cand-<candidateId>        the candidate, then the sealed version's home
//   tag     idx-<candidateId>         the sealed version (branch, version)
//   tag     production                what the RAG service reads
//   tag     replaced-<candidateId>    what production held when that version was promoted

export const PRODUCTION_TAG: Alias = 'production';

export const branchOf = (candidateId: string): string => `cand-${candidateId}`;
export const sealedTagOf = (candidateId: string): string => `idx-${candidateId}`;
export const replacedTagOf = (candidateId: string): string => `replaced-${candidateId}`;

/** As Lance writes a version in its own messages: `<branch>:<version>`. */
export const versionIdOf = (branch: string, version: number): string => `${branch}:${version}`;

export interface BranchVersion {
  branch: string;
  version: number;
  candidateId: string;
}

export function parseVersionId(versionId: string): BranchVersion {
  const m = /^cand-([A-Za-z0-9_-]{1,64}):(\d+)$/.exec(versionId);
  if (!m) {
    throw new VectorStoreError(
      'invalid',
      `${JSON.stringify(versionId)} is no LanceDB index version (expected cand-<candidate id>:<version>).`,
    );
  }
  const candidateId = m[1] ?? '';
  return { branch: branchOf(candidateId), version: Number(m[2]), candidateId };
}
