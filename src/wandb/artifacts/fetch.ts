import { WandbNotFoundError, WandbProtocolError } from '../errors.js';
import { parseJsonString } from '../runConfig.js';
import type { CallOptions, WandbTransport } from '../transport.js';
import { parseManifest, type ArtifactManifest } from './manifest.js';
import type { ArtifactPath } from './names.js';
import {
  ArtifactByIdOp,
  ArtifactMembershipByNameOp,
  FetchArtifactManifestOp,
  type ArtifactFields,
} from './operations.js';

// Looking artifact versions up by "entity/project/name:alias" or by id (protocol §7.8).

export interface ArtifactVersion {
  id: string;
  entity: string;
  project: string;
  /** Collection (artifact) name. */
  name: string;
  type: string;
  versionIndex: number | null;
  /** "v3" style version name, when the version is committed. */
  version: string | null;
  digest: string;
  state: string;
  aliases: string[];
  description?: string;
  metadata: Record<string, unknown>;
  size?: number;
  fileCount?: number;
  createdAt?: string;
}

function toVersion(
  a: ArtifactFields,
  fallback: { entity: string; project: string },
  aliases?: string[],
): ArtifactVersion {
  const versionIndex = a.versionIndex ?? null;
  const ownAliases =
    aliases ??
    (a.aliases ?? [])
      .filter((x) => !x.artifactCollection || x.artifactCollection.name === a.artifactSequence.name)
      .map((x) => x.alias);
  return {
    id: a.id,
    entity: a.artifactSequence.project?.entity.name ?? fallback.entity,
    project: a.artifactSequence.project?.name ?? fallback.project,
    name: a.artifactSequence.name,
    type: a.artifactType.name,
    versionIndex,
    version: versionIndex === null ? null : `v${versionIndex}`,
    digest: a.digest,
    state: a.state,
    aliases: ownAliases,
    description: a.description ?? undefined,
    metadata: parseJsonString(a.metadata),
    size: a.size ?? undefined,
    fileCount: a.fileCount ?? undefined,
    createdAt: a.createdAt ?? undefined,
  };
}

/** The version an alias (or "vN") points to, or null when the project, name or alias is unknown. */
export async function fetchArtifact(
  t: WandbTransport,
  path: ArtifactPath,
  options: CallOptions = {},
): Promise<ArtifactVersion | null> {
  try {
    const data = await t.graphql(
      ArtifactMembershipByNameOp,
      { entity: path.entity, project: path.project, name: `${path.name}:${path.alias}` },
      options,
    );
    const membership = data.project?.artifactCollectionMembership;
    if (!membership) return null;
    const version = toVersion(
      membership.artifact,
      path,
      membership.aliases?.map((x) => x.alias),
    );
    // A membership in a portfolio has its own numbering; report the collection we asked for.
    return {
      ...version,
      name: membership.artifactCollection?.name ?? path.name,
      versionIndex: membership.versionIndex ?? version.versionIndex,
      version: membership.versionIndex != null ? `v${membership.versionIndex}` : version.version,
    };
  } catch (err) {
    if (err instanceof WandbNotFoundError) return null;
    throw err;
  }
}

export async function fetchArtifactById(
  t: WandbTransport,
  id: string,
  options: CallOptions = {},
): Promise<ArtifactVersion | null> {
  try {
    const data = await t.graphql(ArtifactByIdOp, { id }, options);
    return data.artifact ? toVersion(data.artifact, { entity: '', project: '' }) : null;
  } catch (err) {
    if (err instanceof WandbNotFoundError) return null;
    throw err;
  }
}

/** Download and parse the version's manifest (via its signed URL). */
export async function fetchArtifactManifest(
  t: WandbTransport,
  artifactId: string,
  options: CallOptions = {},
): Promise<ArtifactManifest> {
  const data = await t.graphql(FetchArtifactManifestOp, { id: artifactId }, options);
  if (!data.artifact) {
    throw new WandbNotFoundError(`Artifact ${artifactId} does not exist.`, {
      operation: 'FetchArtifactManifest',
    });
  }
  if (!data.artifact.currentManifest) {
    throw new WandbProtocolError(`Artifact ${artifactId} has no manifest yet (not committed?).`, {
      operation: 'FetchArtifactManifest',
    });
  }
  const res = await t.getBlob(
    data.artifact.currentManifest.file.directUrl,
    'manifest download',
    options,
  );
  return parseManifest(await res.text());
}
