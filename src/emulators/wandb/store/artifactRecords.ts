import type { ManifestEntry } from './manifest.js';
import type { ProjectRecord } from './projects.js';
import type { RunRecord } from './runs.js';

export type ArtifactState = 'PENDING' | 'COMMITTED' | 'DELETED';

export interface ArtifactTypeRecord {
  id: string;
  name: string;
  project: ProjectRecord;
  description: string | null;
  createdAt: Date;
}

export interface AliasRecord {
  id: string;
  alias: string;
  membership: MembershipRecord;
}

/** A sequence (versions of one name) or a portfolio (links to versions of other collections). */
export interface CollectionRecord {
  id: string;
  kind: 'SEQUENCE' | 'PORTFOLIO';
  name: string;
  project: ProjectRecord;
  type: ArtifactTypeRecord;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  memberships: MembershipRecord[];
  aliases: Map<string, AliasRecord>;
}

export interface MembershipRecord {
  id: string;
  collection: CollectionRecord;
  artifact: ArtifactRecord;
  versionIndex: number;
  createdAt: Date;
}

export interface ManifestRecord {
  id: string;
  fileId: string;
  artifact: ArtifactRecord;
  name: string;
  type: string;
  digest: string;
  blobKey: string;
  baseArtifactId: string | null;
}

/** One `createArtifactFiles` spec: a file the client announced for this artifact. */
export interface ArtifactFileSpec {
  id: string;
  name: string;
  md5: string;
  mimetype: string | null;
  storagePath: string;
  birthArtifactId: string;
}

export interface ArtifactRecord {
  id: string;
  sequence: CollectionRecord;
  digest: string;
  digestAlgorithm: string;
  state: ArtifactState;
  versionIndex: number | null;
  description: string | null;
  metadata: string | null;
  labels: string | null;
  clientID: string | null;
  sequenceClientID: string | null;
  historyStep: number | null;
  ttlDurationSeconds: number | null;
  tags: string[];
  createdByRun: RunRecord | null;
  usedBy: RunRecord[];
  /** Aliases asked for at creation; applied when the version is committed. */
  pendingAliases: { alias: string; collectionName: string }[];
  manifest: ManifestRecord | null;
  fileSpecs: Map<string, ArtifactFileSpec>;
  /** The committed manifest's entries. */
  entries: ManifestEntry[];
  memberships: MembershipRecord[];
  size: number;
  commitHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function artifactFileBlobKey(md5Base64: string): string {
  return `md5/${Buffer.from(md5Base64, 'base64').toString('hex')}`;
}

export function aliasesOf(membership: MembershipRecord): AliasRecord[] {
  return [...membership.collection.aliases.values()].filter((a) => a.membership === membership);
}

/** The `<collection>:v<N>` name of a committed version (or `:<digest>` while it is pending). */
export function qualifiedName(artifact: ArtifactRecord): string {
  return artifact.versionIndex === null
    ? `${artifact.sequence.name}:${artifact.digest}`
    : `${artifact.sequence.name}:v${artifact.versionIndex}`;
}
