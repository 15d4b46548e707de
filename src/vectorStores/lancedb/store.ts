import { resolve as resolvePath } from 'node:path';
import { connect, type Connection, type Table } from '@lancedb/lancedb';
import {
  checkDims,
  checkName,
  nothingToRollBack,
  staleProduction,
  VectorStoreError,
} from '../errors.js';
import type {
  CandidateSpec,
  CandidateWriter,
  IndexReader,
  IndexVersion,
  PointerMove,
  PromoteRequest,
  ResolvedIndex,
  RollbackRequest,
  VectorStore,
} from '../types.js';
import { LanceCandidate } from './candidate.js';
import {
  branchOf,
  parseVersionId,
  PRODUCTION_TAG,
  replacedTagOf,
  sealedTagOf,
  type BranchVersion,
} from './names.js';
import { LanceReader } from './reader.js';
import { chunkSchema, schemaDims } from './schema.js';
import { deleteTag, resolveTag, setTag, tagNames } from './tags.js';

/**
 * LanceDB, embedded: a folder on disk, no server. One table per knowledge base; its versions and
 * tags hold the index versions and the `production` pointer (see names.ts for the layout).
 *
 * Promotion is one tag move, so readers that open `production` see the old version or the new
 * one. Tags have no compare-and-swap: the check of `expected` and the move are two steps, so
 * promotions of one knowledge base must not run concurrently (the pipeline runs them one at a
 * time); the PostgreSQL store's row lock makes the check atomic as well.
 */
export class LanceDbStore implements VectorStore {
  readonly kind = 'lancedb';

  private constructor(
    private readonly db: Connection,
    /** The database folder, absolute. */
    readonly location: string,
  ) {}

  static async open(folder: string): Promise<LanceDbStore> {
    const location = resolvePath(folder);
    // Reads check for newer commits every time: another worker may have written the candidate.
    return new LanceDbStore(await connect(location, { readConsistencyInterval: 0 }), location);
  }

  private async table(kb: string): Promise<Table | undefined> {
    checkName('knowledge base', kb);
    const names = await this.db.tableNames();
    return names.includes(kb) ? this.db.openTable(kb) : undefined;
  }

  private async requireTable(kb: string): Promise<Table> {
    const table = await this.table(kb);
    if (!table)
      throw new VectorStoreError('not-found', `No knowledge base ${kb} in ${this.location}.`);
    return table;
  }

  private async dimsOf(table: Table): Promise<number> {
    const dims = schemaDims(await table.schema());
    if (dims === undefined) {
      throw new VectorStoreError('invalid', `Table ${table.name} has no vector column of ours.`);
    }
    return dims;
  }

  /** The table of the knowledge base, created on first use (two creators at once: one wins). */
  private async tableFor(kb: string, dims: number): Promise<Table> {
    const table =
      (await this.table(kb)) ??
      (await this.db.createEmptyTable(kb, chunkSchema(dims), { mode: 'create', existOk: true }));
    const stored = await this.dimsOf(table);
    if (stored !== dims) {
      throw new VectorStoreError(
        'invalid',
        `Knowledge base ${kb} stores ${stored}-dimensional vectors, not ${dims}: a LanceDB table keeps one vector size, so a new embedding size needs a new knowledge base name.`,
      );
    }
    return table;
  }

  /** The sealed version a version id names, or a not-found error. */
  private async sealed(table: Table, versionId: string): Promise<BranchVersion> {
    const v = parseVersionId(versionId);
    const tag = (await (await table.tags()).list())[sealedTagOf(v.candidateId)];
    if (tag?.version !== v.version) {
      throw new VectorStoreError(
        'not-found',
        `${versionId} is no sealed index version of ${table.name}.`,
      );
    }
    return v;
  }

  async openCandidate(spec: CandidateSpec): Promise<CandidateWriter> {
    const candidateId = checkName('candidate id', spec.candidateId);
    const dims = checkDims(spec.dims);
    const table = await this.tableFor(spec.kb, dims);
    const branches = await table.branches();
    const name = branchOf(candidateId);
    if (name in (await branches.list())) {
      return new LanceCandidate(
        spec.kb,
        candidateId,
        false,
        await branches.checkout(name),
        table,
        dims,
      );
    }
    const base = spec.base ? await this.sealed(table, spec.base.versionId) : undefined;
    try {
      // From the base version, sharing its data files; or from main's empty first version.
      const branch = base
        ? await branches.create(name, base.branch, base.version)
        : await branches.create(name, 'main', 1);
      return new LanceCandidate(spec.kb, candidateId, true, branch, table, dims);
    } catch (err) {
      // Opened twice at once: the other one created it.
      if (!(name in (await branches.list()))) throw err;
      return new LanceCandidate(
        spec.kb,
        candidateId,
        false,
        await branches.checkout(name),
        table,
        dims,
      );
    }
  }

  async dropCandidate(kb: string, candidateId: string): Promise<void> {
    checkName('candidate id', candidateId);
    const table = await this.table(kb);
    if (!table) return;
    const name = branchOf(candidateId);
    const branches = await table.branches();
    const all = await branches.list();
    if (!(name in all)) return;
    const children = Object.entries(all).filter(([, b]) => b.parentBranch === name);
    if (children.length > 0) {
      throw new VectorStoreError(
        'in-use',
        `Candidate ${candidateId} of ${kb} cannot be dropped: ${children.map(([n]) => n).join(', ')} was built from it.`,
      );
    }
    for (const tag of await tagNames(table)) {
      if (tag !== PRODUCTION_TAG && !tag.startsWith('replaced-')) continue;
      const held = await resolveTag(this.db, kb, tag);
      if (held?.branch === name) {
        throw new VectorStoreError(
          'in-use',
          `Candidate ${candidateId} of ${kb} cannot be dropped: ${tag} points to it.`,
        );
      }
    }
    await deleteTag(table, sealedTagOf(candidateId));
    await deleteTag(table, replacedTagOf(candidateId));
    await branches.delete(name);
  }

  async openVersion(version: IndexVersion): Promise<IndexReader> {
    const table = await this.requireTable(version.kb);
    const v = await this.sealed(table, version.versionId);
    const pinned = await this.db.openTable(version.kb, undefined, {
      branch: v.branch,
      version: v.version,
    });
    return new LanceReader(version.kb, pinned, await this.dimsOf(table));
  }

  async production(kb: string): Promise<IndexVersion | null> {
    if (!(await this.table(kb))) return null;
    const held = await resolveTag(this.db, kb, PRODUCTION_TAG);
    return held && { kb, versionId: held.versionId };
  }

  /** What the version replaced when it was last promoted. */
  private async replacedBy(kb: string, versionId: string): Promise<IndexVersion | null> {
    const { candidateId } = parseVersionId(versionId);
    const held = await resolveTag(this.db, kb, replacedTagOf(candidateId));
    return held && { kb, versionId: held.versionId };
  }

  async rollbackTarget(kb: string): Promise<IndexVersion | null> {
    const current = await this.production(kb);
    return current && this.replacedBy(kb, current.versionId);
  }

  async promote(request: PromoteRequest): Promise<PointerMove> {
    const { kb, to, expected } = request;
    const table = await this.requireTable(kb);
    const target = await this.sealed(table, to);
    const current = (await this.production(kb))?.versionId ?? null;
    const move = { kb, alias: PRODUCTION_TAG, from: current, to };
    if (current === to) return { ...move, moved: false };
    if (current !== expected) throw staleProduction(kb, expected, current);
    // The record first: a crash before the move leaves it rewritten by the retry, harmlessly.
    if (current) await setTag(table, replacedTagOf(target.candidateId), parseVersionId(current));
    else await deleteTag(table, replacedTagOf(target.candidateId));
    await setTag(table, PRODUCTION_TAG, target);
    return { ...move, moved: true };
  }

  async rollback(request: RollbackRequest): Promise<PointerMove> {
    const { kb, expected } = request;
    const table = await this.requireTable(kb);
    const current = (await this.production(kb))?.versionId ?? null;
    if (current !== expected) {
      // A retry of a rollback that already happened finds production at expected's target.
      const done = current !== null && (await this.replacedBy(kb, expected))?.versionId === current;
      if (done) return { kb, alias: PRODUCTION_TAG, from: expected, to: current, moved: false };
      throw staleProduction(kb, expected, current);
    }
    const target = await this.replacedBy(kb, expected);
    if (!target) {
      throw nothingToRollBack(kb, expected);
    }
    await setTag(table, PRODUCTION_TAG, parseVersionId(target.versionId));
    return { kb, alias: PRODUCTION_TAG, from: expected, to: target.versionId, moved: true };
  }

  async resolve(kb: string): Promise<ResolvedIndex | null> {
    const table = await this.table(kb);
    const current = table && (await this.production(kb));
    if (!table || !current) return null;
    return {
      ...current,
      store: 'lancedb',
      location: this.location,
      table: kb,
      dims: await this.dimsOf(table),
    };
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
