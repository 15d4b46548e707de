import { randomBytes } from 'node:crypto';
import type {
  AliasRecord,
  ArtifactRecord,
  ArtifactTypeRecord,
  CollectionRecord,
  MembershipRecord,
} from './artifactRecords.js';
import { replaceAll, type IdSequence } from './ids.js';
import type { ProjectRecord, ProjectStore } from './projects.js';
import {
  checkAlias,
  checkArtifactMetadata,
  checkArtifactName,
  resolveInCollection,
} from './artifactRules.js';
import { UserInputError, type RunRecord } from './runs.js';

export interface AliasInput {
  alias: string;
  artifactCollectionName: string;
}

export interface CreateArtifactInput {
  entityName: string;
  projectName: string;
  runName?: string | null;
  artifactTypeName: string;
  artifactCollectionName?: string | null;
  artifactCollectionNames?: string[] | null;
  digest: string;
  digestAlgorithm?: string | null;
  description?: string | null;
  metadata?: string | null;
  labels?: string | null;
  aliases?: AliasInput[] | null;
  tags?: { tagName: string }[] | null;
  clientID?: string | null;
  sequenceClientID?: string | null;
  enableDigestDeduplication?: boolean | null;
  historyStep?: number | null;
  ttlDurationSeconds?: number | null;
}

/**
 * Artifact types, collections (sequences and portfolios), versions, memberships and aliases.
 * Files and manifests live in ArtifactFiles; this class keeps the version lifecycle.
 */
export interface AliasMove {
  project: string;
  collection: string;
  alias: string;
  /** Version index in that collection; null when the alias is new. */
  from: number | null;
  to: number;
}

export class ArtifactStore {
  readonly artifacts = new Map<string, ArtifactRecord>();
  readonly collections = new Map<string, CollectionRecord>();
  readonly memberships = new Map<string, MembershipRecord>();
  private readonly types = new Map<string, ArtifactTypeRecord>();
  private readonly clientIds = new Map<string, string>();
  /** Every change of a user alias's holder, in order: tests check an alias moved exactly once. */
  readonly aliasMoves: AliasMove[] = [];

  constructor(
    private readonly ids: IdSequence,
    private readonly projects: ProjectStore,
  ) {}

  type(project: ProjectRecord, name: string): ArtifactTypeRecord | undefined {
    return this.types.get(`${project.id}/${name}`);
  }

  typesOf(project: ProjectRecord): ArtifactTypeRecord[] {
    return [...this.types.values()].filter((t) => t.project === project);
  }

  ensureType(project: ProjectRecord, name: string): ArtifactTypeRecord {
    if (name.length === 0 || name.length > 128 || /[/:]/.test(name)) {
      throw new UserInputError(
        `invalid artifact type "${name}": 1 to 128 characters, no "/" or ":"`,
      );
    }
    let found = this.type(project, name);
    if (!found) {
      found = {
        id: this.ids.take('ArtifactType').id,
        name,
        project,
        description: null,
        createdAt: new Date(),
      };
      this.types.set(`${project.id}/${name}`, found);
    }
    return found;
  }

  collection(project: ProjectRecord, name: string): CollectionRecord | undefined {
    return [...this.collections.values()].find((c) => c.project === project && c.name === name);
  }

  collectionsOf(project: ProjectRecord): CollectionRecord[] {
    return [...this.collections.values()].filter((c) => c.project === project);
  }

  ensureCollection(
    project: ProjectRecord,
    name: string,
    type: ArtifactTypeRecord,
    kind: CollectionRecord['kind'],
  ): CollectionRecord {
    checkArtifactName(name);
    const found = this.collection(project, name);
    if (found) {
      if (found.kind === 'SEQUENCE' && found.type.name !== type.name) {
        throw new UserInputError(
          `artifact "${name}" already exists in ${project.entity.name}/${project.name} with type ` +
            `"${found.type.name}"; use that type or another name`,
        );
      }
      return found;
    }
    const now = new Date();
    const created: CollectionRecord = {
      id: this.ids.take(kind === 'SEQUENCE' ? 'ArtifactSequence' : 'ArtifactPortfolio').id,
      kind,
      name,
      project,
      type,
      description: null,
      createdAt: now,
      updatedAt: now,
      memberships: [],
      aliases: new Map(),
    };
    this.collections.set(created.id, created);
    return created;
  }

  latest(collection: CollectionRecord): ArtifactRecord | null {
    return collection.aliases.get('latest')?.membership.artifact ?? null;
  }

  resolveClientId(clientID: string): string | undefined {
    return this.clientIds.get(clientID);
  }

  /** Creates a pending version, or returns the committed one with the same digest (dedupe). */
  create(input: CreateArtifactInput, run: RunRecord | null): ArtifactRecord {
    const name = input.artifactCollectionName ?? input.artifactCollectionNames?.[0];
    if (!name) throw new UserInputError('createArtifact needs artifactCollectionName');
    const project = this.projects.ensure(input.entityName, input.projectName);
    const type = this.ensureType(project, input.artifactTypeName);
    const sequence = this.ensureCollection(project, name, type, 'SEQUENCE');
    for (const a of input.aliases ?? []) checkAlias(a.alias);
    if (input.metadata != null) checkArtifactMetadata(input.metadata);
    if (input.sequenceClientID) this.clientIds.set(input.sequenceClientID, sequence.id);

    // A create whose answer was lost is re-sent with the same clientID: the draft it made comes
    // back instead of a second one (inferred: client ids are unique server-side, and wandb-core
    // re-sends createArtifact on 5xx).
    const earlier = input.clientID
      ? this.artifacts.get(this.clientIds.get(input.clientID) ?? '')
      : undefined;
    if (earlier?.state === 'PENDING' && earlier.sequence === sequence) return earlier;

    if (input.enableDigestDeduplication !== false) {
      const existing = sequence.memberships
        .map((m) => m.artifact)
        .filter((a) => a.state === 'COMMITTED' && a.digest === input.digest)
        .at(-1);
      if (existing) {
        if (input.clientID) this.clientIds.set(input.clientID, existing.id);
        for (const a of input.aliases ?? []) this.setAlias(existing, a);
        return existing;
      }
    }
    const now = new Date();
    const artifact: ArtifactRecord = {
      id: this.ids.take('Artifact').id,
      sequence,
      digest: input.digest,
      digestAlgorithm: input.digestAlgorithm ?? 'MANIFEST_MD5',
      state: 'PENDING',
      versionIndex: null,
      description: input.description ?? null,
      metadata: input.metadata ?? null,
      labels: input.labels ?? null,
      clientID: input.clientID ?? null,
      sequenceClientID: input.sequenceClientID ?? null,
      historyStep: input.historyStep ?? null,
      ttlDurationSeconds: input.ttlDurationSeconds ?? null,
      tags: (input.tags ?? []).map((t) => t.tagName),
      createdByRun: run,
      usedBy: [],
      pendingAliases: (input.aliases ?? []).map((a) => ({
        alias: a.alias,
        collectionName: a.artifactCollectionName,
      })),
      manifest: null,
      fileSpecs: new Map(),
      entries: [],
      memberships: [],
      size: 0,
      commitHash: null,
      createdAt: now,
      updatedAt: now,
    };
    this.artifacts.set(artifact.id, artifact);
    if (input.clientID) this.clientIds.set(input.clientID, artifact.id);
    if (run) run.outputs.push(artifact.id);
    return artifact;
  }

  /** Makes a checked, pending version the next `vN` of its sequence and moves `latest`. */
  commit(artifact: ArtifactRecord): void {
    if (artifact.state === 'COMMITTED') return;
    const sequence = artifact.sequence;
    const versionIndex = sequence.memberships.length;
    const membership = this.addMembership(sequence, artifact, versionIndex);
    artifact.versionIndex = versionIndex;
    artifact.state = 'COMMITTED';
    artifact.commitHash = randomBytes(6).toString('hex');
    artifact.updatedAt = new Date();
    this.moveAlias(membership, 'latest');
    for (const a of artifact.pendingAliases)
      this.setAlias(artifact, { alias: a.alias, artifactCollectionName: a.collectionName });
    artifact.pendingAliases = [];
  }

  addMembership(
    collection: CollectionRecord,
    artifact: ArtifactRecord,
    versionIndex: number,
  ): MembershipRecord {
    const membership: MembershipRecord = {
      id: this.ids.take('ArtifactCollectionMembership').id,
      collection,
      artifact,
      versionIndex,
      createdAt: new Date(),
    };
    collection.memberships.push(membership);
    collection.updatedAt = membership.createdAt;
    artifact.memberships.push(membership);
    this.memberships.set(membership.id, membership);
    return membership;
  }

  /** Points `alias` of the membership's collection at it (taking it from any other version). */
  moveAlias(membership: MembershipRecord, alias: string): AliasRecord {
    const aliases = membership.collection.aliases;
    const current = aliases.get(alias);
    if (current?.membership === membership) return current;
    const record = { id: current?.id ?? this.ids.take('ArtifactAlias').id, alias, membership };
    aliases.set(alias, record);
    if (alias !== 'latest') {
      this.aliasMoves.push({
        project: `${membership.collection.project.entity.name}/${membership.collection.project.name}`,
        collection: membership.collection.name,
        alias,
        from: current ? current.membership.versionIndex : null,
        to: membership.versionIndex,
      });
    }
    return record;
  }

  /** Applies an alias given by collection name (the version's sequence or a linked portfolio). */
  setAlias(artifact: ArtifactRecord, input: AliasInput): void {
    checkAlias(input.alias);
    const membership = artifact.memberships.find(
      (m) => m.collection.name === input.artifactCollectionName,
    );
    if (!membership) {
      if (
        artifact.state !== 'COMMITTED' &&
        input.artifactCollectionName === artifact.sequence.name
      ) {
        artifact.pendingAliases.push({
          alias: input.alias,
          collectionName: input.artifactCollectionName,
        });
        return;
      }
      throw new UserInputError(
        `artifact ${artifact.id} is not in collection "${input.artifactCollectionName}"`,
      );
    }
    this.moveAlias(membership, input.alias);
  }

  removeAlias(artifact: ArtifactRecord, input: AliasInput): void {
    const membership = artifact.memberships.find(
      (m) => m.collection.name === input.artifactCollectionName,
    );
    const current = membership?.collection.aliases.get(input.alias);
    if (membership && current?.membership === membership)
      membership.collection.aliases.delete(input.alias);
    artifact.pendingAliases = artifact.pendingAliases.filter((a) => a.alias !== input.alias);
  }

  use(artifact: ArtifactRecord, run: RunRecord): void {
    if (!artifact.usedBy.includes(run)) artifact.usedBy.push(run);
    if (!run.inputs.includes(artifact.id)) run.inputs.push(artifact.id);
  }

  /** Resolves `<collection>:<alias | vN | digest>` (no suffix means `latest`). */
  resolve(project: ProjectRecord, qualified: string): MembershipRecord | undefined {
    const colon = qualified.indexOf(':');
    const name = colon < 0 ? qualified : qualified.slice(0, colon);
    const alias = colon < 0 ? 'latest' : qualified.slice(colon + 1);
    const collection = this.collection(project, name);
    return collection ? resolveInCollection(collection, alias) : undefined;
  }

  snapshot() {
    return {
      artifacts: this.artifacts,
      collections: this.collections,
      memberships: this.memberships,
      types: this.types,
      clientIds: this.clientIds,
      aliasMoves: this.aliasMoves,
    };
  }

  restore(s: ReturnType<ArtifactStore['snapshot']>): void {
    replaceAll(this.artifacts, s.artifacts);
    replaceAll(this.collections, s.collections);
    replaceAll(this.memberships, s.memberships);
    replaceAll(this.types, s.types);
    replaceAll(this.clientIds, s.clientIds);
    this.aliasMoves.splice(0, this.aliasMoves.length, ...s.aliasMoves);
  }
}
