import type { CallOptions, WandbTransport } from '../transport.js';
import { validateAlias, validateArtifactName } from './names.js';
import {
  AddAliasesOp,
  DeleteAliasesOp,
  FetchOrgEntityFromEntityOp,
  LinkArtifactOp,
  UpdateArtifactMetadataOp,
} from './operations.js';

// Aliases after the fact (protocol §7.6) and links into portfolios / the registry (§7.7).

export interface AliasChange {
  artifactId: string;
  entity: string;
  project: string;
  /** The collection the alias lives in (the artifact name). */
  collection: string;
  aliases: string[];
}

function aliasInputs(change: AliasChange): Record<string, string>[] {
  change.aliases.forEach(validateAlias);
  return change.aliases.map((alias) => ({
    alias,
    artifactCollectionName: change.collection,
    entityName: change.entity,
    projectName: change.project,
  }));
}

/** Adding an alias held by another version of the collection moves it here. */
export async function addAliases(
  t: WandbTransport,
  change: AliasChange,
  options: CallOptions = {},
): Promise<void> {
  if (change.aliases.length === 0) return;
  await t.graphql(
    AddAliasesOp,
    { input: { artifactID: change.artifactId, aliases: aliasInputs(change) } },
    options,
  );
}

export async function removeAliases(
  t: WandbTransport,
  change: AliasChange,
  options: CallOptions = {},
): Promise<void> {
  if (change.aliases.length === 0) return;
  await t.graphql(
    DeleteAliasesOp,
    { input: { artifactID: change.artifactId, aliases: aliasInputs(change) } },
    options,
  );
}

export interface LinkInput {
  artifactId: string;
  /** Portfolio (registry collection) name. */
  portfolio: string;
  /** Entity owning the portfolio (for the new registry: the organization entity). */
  entity: string;
  /** "model-registry" (legacy) or "wandb-registry-<name>". */
  project: string;
  aliases?: string[];
}

/** Link a version into a portfolio; returns its version index there. */
export async function linkArtifact(
  t: WandbTransport,
  link: LinkInput,
  options: CallOptions = {},
): Promise<{ versionIndex: number | null }> {
  validateArtifactName(link.portfolio);
  const aliases = link.aliases ?? [];
  aliases.forEach(validateAlias);
  const data = await t.graphql(
    LinkArtifactOp,
    {
      artifactPortfolioName: link.portfolio,
      entityName: link.entity,
      projectName: link.project,
      artifactId: link.artifactId,
      aliases: aliases.map((alias) => ({ alias, artifactCollectionName: link.portfolio })),
    },
    options,
  );
  return { versionIndex: data.linkArtifact.versionIndex ?? null };
}

/**
 * Replaces a committed version's metadata (no new version: metadata is not part of the digest).
 * The same metadata sent twice leaves the version as it was, so a retry is harmless.
 */
export async function updateArtifactMetadata(
  t: WandbTransport,
  artifactId: string,
  metadata: Record<string, unknown>,
  options: CallOptions = {},
): Promise<void> {
  await t.graphql(
    UpdateArtifactMetadataOp,
    { artifactID: artifactId, metadata: JSON.stringify(metadata) },
    options,
  );
}

/** The organization entity of `entity` (owner of `wandb-registry-*` projects), or null. */
export async function fetchOrgEntity(
  t: WandbTransport,
  entity: string,
  options: CallOptions = {},
): Promise<string | null> {
  const data = await t.graphql(FetchOrgEntityFromEntityOp, { entityName: entity }, options);
  return data.entity?.organization?.orgEntity?.name ?? null;
}
