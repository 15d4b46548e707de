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
    organizations: organizationOf(entity, ctx) ? [organizationOf(entity, ctx)] : [],
  };
}

/** The organization an entity belongs to: its own, or the one whose entity it is. */
function organizationOf(entity: string, ctx: GqlContext): View | null {
  const org = ctx.backend.organization;
  if (!org || (entity !== ctx.backend.defaultEntity && entity !== org.orgEntity)) return null;
  return {
    __typename: 'Organization',
    id: `org-${org.name}`,
    name: org.name,
    orgEntity: () => entityView(ctx.backend.projects.entity(org.orgEntity), ctx),
    coreWeaveOrganizationId: null,
  };
}

export function entityView(entity: EntityRecord, ctx: GqlContext): View {
  return {
    __typename: 'Entity',
    id: entity.id,
    name: entity.name,
    isTeam: false,
    // Registries (wandb-registry-*) belong to the organization entity, when one is configured.
    organization: () => organizationOf(entity.name, ctx),
    user: () => (entity.name === ctx.backend.defaultEntity ? viewerView(ctx) : null),
    xxhashDigestsEnabled: false,
    defaultAccess: 'PRIVATE',
    projects: (args: PageArgs) =>
      connection(ctx.backend.projects.list(entity.name), args, (p) => projectView(p, ctx)),
  };
}
