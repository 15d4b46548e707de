import type { Table } from '@lancedb/lancedb';
import { checkVector, VectorStoreError } from '../errors.js';
import type { CandidateWriter, ChunkRecord, IndexVersion } from '../types.js';
import { branchOf, sealedTagOf, versionIdOf } from './names.js';
import { LanceReader } from './reader.js';
import { chunkRows, inList } from './schema.js';

/** Lance's IN lists stay short: deletes go in slices. */
const DELETE_SLICE = 500;

/**
 * A candidate is a Lance branch of the knowledge base's table (`cand-<id>`), created from the
 * version it copies forward (sharing its data files: no copy) or from the empty main branch.
 * Every batch is one merge-insert commit on the branch, keyed by chunk id, so a batch written
 * twice leaves the same rows. Sealing tags the branch's version (`idx-<id>`): tags pin a version
 * and keep it from being pruned.
 */
export class LanceCandidate extends LanceReader implements CandidateWriter {
  constructor(
    kb: string,
    readonly candidateId: string,
    readonly created: boolean,
    branch: Table,
    /** A handle on the table's main branch: tags and branches are asked there. */
    private readonly root: Table,
    dims: number,
  ) {
    super(kb, branch, dims);
  }

  private async sealedVersion(): Promise<number | undefined> {
    const tags = await (await this.root.tags()).list();
    return tags[sealedTagOf(this.candidateId)]?.version;
  }

  /** The branch must still exist: a dropped candidate is `not-found`, not a Lance I/O error. */
  private async requireBranch(): Promise<void> {
    if (!(branchOf(this.candidateId) in (await (await this.root.branches()).list()))) {
      throw new VectorStoreError(
        'not-found',
        `Candidate ${this.candidateId} of ${this.kb} is gone.`,
      );
    }
  }

  private async refuseIfSealed(): Promise<void> {
    await this.requireBranch();
    const sealed = await this.sealedVersion();
    if (sealed !== undefined) {
      throw new VectorStoreError(
        'sealed',
        `Candidate ${this.candidateId} of ${this.kb} is sealed as ${versionIdOf(branchOf(this.candidateId), sealed)}; build a new candidate to change it.`,
      );
    }
  }

  async upsert(chunks: readonly ChunkRecord[]): Promise<{ written: number }> {
    if (chunks.length === 0) return { written: 0 };
    // One row per id (the last wins): duplicate keys in one merge are undefined behaviour in Lance.
    const byId = new Map<string, ChunkRecord>();
    for (const c of chunks) {
      checkVector(c.vector, this.dims, `Chunk ${c.chunkId}'s vector`);
      byId.set(c.chunkId, c);
    }
    await this.refuseIfSealed();
    await this.table
      .mergeInsert('chunk_id')
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute(chunkRows([...byId.values()], this.dims));
    return { written: byId.size };
  }

  async deleteIds(chunkIds: readonly string[]): Promise<{ deleted: number }> {
    if (chunkIds.length === 0) return { deleted: 0 };
    await this.refuseIfSealed();
    const ids = [...new Set(chunkIds)];
    let deleted = 0;
    for (let i = 0; i < ids.length; i += DELETE_SLICE) {
      const r = await this.table.delete(inList('chunk_id', ids.slice(i, i + DELETE_SLICE)));
      deleted += r.numDeletedRows;
    }
    return { deleted };
  }

  async seal(): Promise<IndexVersion> {
    const branch = branchOf(this.candidateId);
    const done = await this.sealedVersion();
    if (done !== undefined) return { kb: this.kb, versionId: versionIdOf(branch, done) };
    await this.requireBranch();
    const version = await this.table.version();
    try {
      // Created through the branch's handle, the tag names (branch, version).
      await (await this.table.tags()).create(sealedTagOf(this.candidateId), version);
    } catch (err) {
      const raced = await this.sealedVersion();
      if (raced === undefined) throw err;
      return { kb: this.kb, versionId: versionIdOf(branch, raced) };
    }
    return { kb: this.kb, versionId: versionIdOf(branch, version) };
  }
}
