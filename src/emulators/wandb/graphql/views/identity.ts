import type { EntityRecord } from '../../store/projects.js';
import { connection, type GqlContext, type PageArgs, type View } from './context.js';
import { projectView } from './project.js';

export function viewerView(ctx: GqlContext): View {
  const entity = ctx.backend.defaultEntity;
  return {
    __typename: 'User',
    id: ctx.backend.viewerId,
    name: entity,
    username: entity,
    email: `${entity}@example.invalid`,
    admin: false,
    flags: '{}',
    entity,
    photoUrl: null,
    deletedAt: null,
    defaultFramework: null,
    apiKeys: { edges: [] },
    teams: () => ({ edges: [] }),
    organizations: [],
  };
}

export function entityView(entity: EntityRecord, ctx: GqlContext): View {
  return {
    __typename: 'Entity',
    id: entity.id,
    name: entity.name,
    isTeam: false,
    // No organizations here: registries (wandb-registry-*) are not emulated.
    organization: null,
    user: () => (entity.name === ctx.backend.defaultEntity ? viewerView(ctx) : null),
    xxhashDigestsEnabled: false,
    defaultAccess: 'PRIVATE',
    projects: (args: PageArgs) =>
      connection(ctx.backend.projects.list(entity.name), args, (p) => projectView(p, ctx)),
  };
}
