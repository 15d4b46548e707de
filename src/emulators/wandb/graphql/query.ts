import { decodeId } from '../store/ids.js';
import { DISABLED_FEATURES, ENABLED_FEATURES } from './serverFeatures.js';
import { artifactView, collectionView } from './views/artifact.js';
import { connection, type GqlContext, type PageArgs } from './views/context.js';
import { entityView, viewerView } from './views/identity.js';
import { projectView } from './views/project.js';

type ProjectArgs = { name?: string | null; entityName?: string | null };

/** Root query fields (graphql-js calls them with args and the request context). */
export const queryRoot = {
  viewer: (_: unknown, ctx: GqlContext) => viewerView(ctx),
  serverInfo: () => ({
    features: [
      ...ENABLED_FEATURES.map((name) => ({ name, isEnabled: true })),
      ...DISABLED_FEATURES.map((name) => ({ name, isEnabled: false })),
    ],
    cliVersionInfo: {},
    latestLocalVersionInfo: null,
    availableBucketProviders: [],
    frontendHost: null,
    isGoogleCloud: false,
  }),
  project: (args: ProjectArgs, ctx: GqlContext) => {
    const project = ctx.backend.findProject(args.entityName, args.name);
    return project ? projectView(project, ctx) : null;
  },
  model: (args: ProjectArgs, ctx: GqlContext) => queryRoot.project(args, ctx),
  models: (args: PageArgs & { entityName?: string | null }, ctx: GqlContext) =>
    connection(ctx.backend.projects.list(args.entityName ?? ctx.backend.defaultEntity), args, (p) =>
      projectView(p, ctx),
    ),
  projects: (args: PageArgs & { entityName?: string | null }, ctx: GqlContext) =>
    queryRoot.models(args, ctx),
  entity: ({ name }: { name?: string | null }, ctx: GqlContext) =>
    entityView(ctx.backend.projects.entity(name ?? ctx.backend.defaultEntity), ctx),
  artifact: ({ id }: { id: string }, ctx: GqlContext) => {
    const artifact = ctx.backend.artifacts.artifacts.get(id);
    return artifact ? artifactView(artifact, ctx) : null;
  },
  artifactCollection: ({ id }: { id: string }, ctx: GqlContext) => {
    const collection = ctx.backend.artifacts.collections.get(id);
    return collection ? collectionView(collection, ctx) : null;
  },
  clientIDMapping: ({ clientID }: { clientID: string }, ctx: GqlContext) => {
    const serverID = ctx.backend.artifacts.resolveClientId(clientID);
    return serverID && decodeId(serverID) ? { serverID } : null;
  },
};
