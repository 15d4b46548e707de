import {
  aliasesOf,
  artifactFileBlobKey,
  type AliasRecord,
  type ArtifactRecord,
  type ArtifactTypeRecord,
  type CollectionRecord,
  type ManifestRecord,
  type MembershipRecord,
} from '../../store/artifactRecords.js';
import { resolveInCollection } from '../../store/artifactRules.js';
import type { ManifestEntry } from '../../store/manifest.js';
import { connection, iso, type GqlContext, type PageArgs, type View } from './context.js';
import { viewerView } from './identity.js';
import { projectView } from './project.js';
import { runView } from './run.js';

type FileArgs = PageArgs & { names?: string[] | null };

const tagId = (name: string): string => Buffer.from(`Tag:${name}`).toString('base64');

export function typeView(type: ArtifactTypeRecord, ctx: GqlContext): View {
  const inType = () =>
    ctx.backend.artifacts.collectionsOf(type.project).filter((c) => c.type === type);
  const byName = ({ name }: { name: string }) => {
    const found = inType().find((c) => c.name === name);
    return found ? collectionView(found, ctx) : null;
  };
  return {
    __typename: 'ArtifactType',
    id: type.id,
    name: type.name,
    description: type.description,
    createdAt: iso(type.createdAt),
    project: () => projectView(type.project, ctx),
    artifactCollection: byName,
    artifactSequence: ({ name }: { name: string }) => {
      const found = inType().find((c) => c.name === name && c.kind === 'SEQUENCE');
      return found ? collectionView(found, ctx) : null;
    },
    artifactCollections: (args: PageArgs) =>
      connection(inType(), args, (c) => collectionView(c, ctx)),
  };
}

export function aliasView(alias: AliasRecord, ctx: GqlContext): View {
  return {
    __typename: 'ArtifactAlias',
    id: alias.id,
    alias: alias.alias,
    artifactCollectionName: alias.membership.collection.name,
    artifactCollection: () => collectionView(alias.membership.collection, ctx),
  };
}

export function collectionView(collection: CollectionRecord, ctx: GqlContext): View {
  const memberships = () => [...collection.memberships].reverse();
  return {
    __typename: collection.kind === 'SEQUENCE' ? 'ArtifactSequence' : 'ArtifactPortfolio',
    id: collection.id,
    name: collection.name,
    description: collection.description,
    state: 'READY',
    createdAt: iso(collection.createdAt),
    updatedAt: iso(collection.updatedAt),
    project: () => projectView(collection.project, ctx),
    defaultArtifactType: () => typeView(collection.type, ctx),
    tags: { edges: [] },
    aliases: (args: PageArgs) =>
      connection([...collection.aliases.values()], args, (a) => aliasView(a, ctx)),
    artifactMembership: ({ aliasName }: { aliasName: string }) => {
      const found = resolveInCollection(collection, aliasName);
      return found ? membershipView(found, ctx) : null;
    },
    artifactMemberships: (args: PageArgs) =>
      connection(memberships(), args, (m) => membershipView(m, ctx)),
    artifacts: (args: PageArgs) =>
      connection(
        memberships(),
        args,
        (m) => artifactView(m.artifact, ctx),
        (m) => ({ version: `v${m.versionIndex}` }),
      ),
    latestArtifact: () => {
      const latest = ctx.backend.artifacts.latest(collection);
      return latest ? artifactView(latest, ctx) : null;
    },
    digestAlgorithm: 'MANIFEST_MD5',
  };
}

export function membershipView(membership: MembershipRecord, ctx: GqlContext): View {
  return {
    __typename: 'ArtifactCollectionMembership',
    id: membership.id,
    versionIndex: membership.versionIndex,
    createdAt: iso(membership.createdAt),
    aliases: () => aliasesOf(membership).map((a) => aliasView(a, ctx)),
    artifactCollection: () => collectionView(membership.collection, ctx),
    artifact: () => artifactView(membership.artifact, ctx),
    files: (args: FileArgs) => artifactFiles(membership.artifact, args, ctx),
  };
}

function entryFileView(artifact: ArtifactRecord, entry: ManifestEntry, ctx: GqlContext) {
  const url =
    entry.ref === null
      ? ctx.baseUrl + ctx.backend.blobs.downloadPath(artifactFileBlobKey(entry.digest))
      : null;
  const spec = artifact.fileSpecs.get(entry.path);
  return {
    __typename: 'File',
    id: spec?.id ?? Buffer.from(`File:${artifact.id}/${entry.path}`).toString('base64'),
    name: entry.path,
    displayName: entry.path,
    url,
    directUrl: url,
    sizeBytes: entry.size,
    storagePath: spec?.storagePath ?? null,
    mimetype: spec?.mimetype ?? null,
    updatedAt: iso(artifact.updatedAt),
    digest: entry.digest,
    md5: entry.ref === null ? entry.digest : null,
    artifact: () => artifactView(artifact, ctx),
  };
}

function artifactFiles(artifact: ArtifactRecord, args: FileArgs, ctx: GqlContext) {
  const entries = artifact.entries.filter(
    (e) => !args.names?.length || args.names.includes(e.path),
  );
  return connection(entries, args, (e) => entryFileView(artifact, e, ctx));
}

export function manifestView(manifest: ManifestRecord, ctx: GqlContext): View {
  const { blobs } = ctx.backend;
  const url = () => ctx.baseUrl + blobs.downloadPath(manifest.blobKey);
  return {
    __typename: 'ArtifactManifest',
    id: manifest.id,
    type: manifest.type,
    createdAt: iso(manifest.artifact.createdAt),
    digest: manifest.digest,
    file: {
      __typename: 'File',
      id: manifest.fileId,
      name: manifest.name,
      displayName: manifest.name,
      url,
      directUrl: url,
      uploadUrl: () => ctx.baseUrl + ctx.backend.artifactFiles.manifestUploadPath(manifest),
      uploadHeaders: manifest.digest ? [`Content-MD5:${manifest.digest}`] : [],
    },
  };
}

export function artifactView(artifact: ArtifactRecord, ctx: GqlContext): View {
  return {
    __typename: 'Artifact',
    id: artifact.id,
    digest: artifact.digest,
    digestAlgorithm: artifact.digestAlgorithm,
    commitHash: () => artifact.commitHash,
    state: artifact.state,
    versionIndex: artifact.versionIndex,
    description: artifact.description,
    metadata: artifact.metadata ?? '{}',
    labels: artifact.labels,
    historyStep: artifact.historyStep,
    ttlDurationSeconds: artifact.ttlDurationSeconds ?? -2,
    ttlIsInherited: artifact.ttlDurationSeconds === null,
    size: artifact.size,
    fileCount: artifact.entries.length,
    createdAt: iso(artifact.createdAt),
    updatedAt: iso(artifact.updatedAt),
    tags: artifact.tags.map((name) => ({ __typename: 'Tag', id: tagId(name), name })),
    aliases: () => artifact.memberships.flatMap(aliasesOf).map((a) => aliasView(a, ctx)),
    artifactType: () => typeView(artifact.sequence.type, ctx),
    artifactSequence: () => collectionView(artifact.sequence, ctx),
    artifactMemberships: (args: PageArgs) =>
      connection(artifact.memberships, args, (m) => membershipView(m, ctx)),
    currentManifest: () => (artifact.manifest ? manifestView(artifact.manifest, ctx) : null),
    files: (args: FileArgs) => artifactFiles(artifact, args, ctx),
    filesByManifestEntries: ({
      entries,
    }: {
      entries?:
        { name: string; digest: string; ref?: string | null; size?: number | null }[] | null;
    }) =>
      connection(entries ?? [], {}, (e) =>
        entryFileView(
          artifact,
          {
            path: e.name,
            digest: e.digest,
            size: e.size ?? 0,
            birthArtifactID: null,
            ref: e.ref ?? null,
          },
          ctx,
        ),
      ),
    createdBy: () =>
      artifact.createdByRun ? runView(artifact.createdByRun, ctx) : viewerView(ctx),
    usedBy: (args: PageArgs) => connection(artifact.usedBy, args, (r) => runView(r, ctx)),
  };
}
