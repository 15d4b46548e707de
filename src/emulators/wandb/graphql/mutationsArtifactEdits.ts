import type { ArtifactRecord } from '../store/artifactRecords.js';
import { checkAlias, checkArtifactMetadata } from '../store/artifactRules.js';
import type { AliasInput } from '../store/artifacts.js';
import { UserInputError } from '../store/runs.js';
import { requireArtifact } from './mutationsArtifacts.js';
import { artifactView, membershipView } from './views/artifact.js';
import type { GqlContext } from './views/context.js';

/** Mutations that change committed versions: aliases, metadata and links into portfolios. */

type CollectionAliasInput = AliasInput & { entityName: string; projectName: string };

/** Alias inputs name a collection by entity/project/name; it must be where the version lives. */
function sameProject(
  artifact: ArtifactRecord,
  input: CollectionAliasInput,
  ctx: GqlContext,
): AliasInput {
  const membership = artifact.memberships.find(
    (m) =>
      m.collection.name === input.artifactCollectionName &&
      m.collection.project.name === input.projectName &&
      m.collection.project.entity.name === input.entityName,
  );
  if (
    !membership &&
    ctx.backend.findProject(input.entityName, input.projectName) !== artifact.sequence.project
  ) {
    throw new UserInputError(
      `artifact ${artifact.id} is not in ${input.entityName}/${input.projectName}/${input.artifactCollectionName}`,
    );
  }
  return { alias: input.alias, artifactCollectionName: input.artifactCollectionName };
}

export const artifactEditMutations = {
  addAliases: (
    { input }: { input: { artifactID: string; aliases: CollectionAliasInput[] } },
    ctx: GqlContext,
  ) => {
    const artifact = requireArtifact(ctx, input.artifactID);
    for (const alias of input.aliases)
      ctx.backend.artifacts.setAlias(artifact, sameProject(artifact, alias, ctx));
    return { success: true };
  },

  deleteAliases: (
    { input }: { input: { artifactID: string; aliases: CollectionAliasInput[] } },
    ctx: GqlContext,
  ) => {
    const artifact = requireArtifact(ctx, input.artifactID);
    for (const alias of input.aliases)
      ctx.backend.artifacts.removeAlias(artifact, sameProject(artifact, alias, ctx));
    return { success: true };
  },

  updateArtifact: (
    {
      input,
    }: {
      input: {
        artifactID: string;
        description?: string | null;
        metadata?: string | null;
        ttlDurationSeconds?: number | null;
        tagsToAdd?: { tagName: string }[] | null;
        tagsToDelete?: { tagName: string }[] | null;
        aliases?: AliasInput[] | null;
      };
    },
    ctx: GqlContext,
  ) => {
    const { artifacts } = ctx.backend;
    const artifact = requireArtifact(ctx, input.artifactID);
    if (input.metadata != null) {
      checkArtifactMetadata(input.metadata);
      artifact.metadata = input.metadata;
    }
    if (input.description !== undefined) artifact.description = input.description;
    if (input.ttlDurationSeconds != null) {
      artifact.ttlDurationSeconds =
        input.ttlDurationSeconds === -1 ? null : input.ttlDurationSeconds;
    }
    const drop = new Set((input.tagsToDelete ?? []).map((t) => t.tagName));
    artifact.tags = [
      ...new Set([
        ...artifact.tags.filter((t) => !drop.has(t)),
        ...(input.tagsToAdd ?? []).map((t) => t.tagName),
      ]),
    ];
    if (input.aliases) {
      // Legacy form: the given list replaces the version's aliases in each named collection.
      const wanted = input.aliases;
      for (const membership of artifact.memberships) {
        for (const current of [...membership.collection.aliases.values()]) {
          const keep = wanted.some(
            (w) =>
              w.alias === current.alias && w.artifactCollectionName === membership.collection.name,
          );
          if (current.membership === membership && !keep)
            membership.collection.aliases.delete(current.alias);
        }
      }
      for (const alias of wanted) artifacts.setAlias(artifact, alias);
    }
    artifact.updatedAt = new Date();
    return { artifact: artifactView(artifact, ctx) };
  },

  linkArtifact: (
    {
      input,
    }: {
      input: {
        artifactID?: string | null;
        clientID?: string | null;
        artifactPortfolioName?: string | null;
        entityName?: string | null;
        projectName?: string | null;
        aliases?: AliasInput[] | null;
      };
    },
    ctx: GqlContext,
  ) => {
    const { backend } = ctx;
    const id =
      input.artifactID ??
      (input.clientID ? backend.artifacts.resolveClientId(input.clientID) : undefined);
    if (!id) throw new UserInputError('linkArtifact needs artifactID or a known clientID');
    const artifact = requireArtifact(ctx, id);
    if (artifact.state !== 'COMMITTED')
      throw new UserInputError(`artifact ${id} is not committed yet; commit it before linking`);
    if (!input.artifactPortfolioName)
      throw new UserInputError('linkArtifact needs artifactPortfolioName');
    const project = backend.writableProject(input.entityName, input.projectName);
    const type = backend.artifacts.ensureType(project, artifact.sequence.type.name);
    const portfolio = backend.artifacts.ensureCollection(
      project,
      input.artifactPortfolioName,
      type,
      'PORTFOLIO',
    );
    if (portfolio.kind !== 'PORTFOLIO') {
      throw new UserInputError(
        `"${portfolio.name}" is an artifact sequence, not a portfolio; link to another name`,
      );
    }
    const membership =
      portfolio.memberships.find((m) => m.artifact === artifact) ??
      backend.artifacts.addMembership(portfolio, artifact, portfolio.memberships.length);
    // Aliases sent with a link belong to the link, whichever collection name they carry.
    for (const alias of input.aliases ?? []) checkAlias(alias.alias);
    backend.artifacts.moveAlias(membership, 'latest');
    for (const alias of input.aliases ?? []) backend.artifacts.moveAlias(membership, alias.alias);
    return {
      versionIndex: membership.versionIndex,
      artifactMembership: membershipView(membership, ctx),
    };
  },
};
