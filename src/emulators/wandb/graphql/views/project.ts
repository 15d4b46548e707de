import type { ProjectRecord } from '../../store/projects.js';
import { artifactView, collectionView, membershipView, typeView } from './artifact.js';
import { connection, iso, type GqlContext, type PageArgs, type View } from './context.js';
import { entityView, viewerView } from './identity.js';
import { runView } from './run.js';
import { filterRuns } from './runFilters.js';

export function projectView(project: ProjectRecord, ctx: GqlContext): View {
  const { backend } = ctx;
  const findRun = ({ name }: { name: string }) => {
    const run = project.runs.get(name);
    return run ? runView(run, ctx) : null;
  };
  return {
    __typename: 'Project',
    id: project.id,
    internalId: String(project.n),
    name: project.name,
    entityName: project.entity.name,
    entity: () => entityView(project.entity, ctx),
    createdAt: iso(project.createdAt),
    updatedAt: iso(project.createdAt),
    description: null,
    isBenchmark: false,
    readOnly: false,
    access: 'PRIVATE',
    user: () => viewerView(ctx),
    runCount: ({ filters }: { filters?: string | null }) =>
      filterRuns([...project.runs.values()], filters, null, backend.heartbeatTimeoutMs).length,
    run: findRun,
    bucket: findRun,
    runs: (args: PageArgs & { filters?: string | null; order?: string | null }) =>
      connection(
        filterRuns(
          [...project.runs.values()],
          args.filters,
          args.order,
          backend.heartbeatTimeoutMs,
        ),
        args,
        (run) => runView(run, ctx),
      ),
    artifact: ({ name }: { name: string }) => {
      const membership = backend.artifacts.resolve(project, name);
      return membership ? artifactView(membership.artifact, ctx) : null;
    },
    artifactCollectionMembership: ({ name }: { name: string }) => {
      const membership = backend.artifacts.resolve(project, name);
      return membership ? membershipView(membership, ctx) : null;
    },
    artifactCollection: ({ name }: { name: string }) => {
      const collection = backend.artifacts.collection(project, name);
      return collection ? collectionView(collection, ctx) : null;
    },
    artifactType: ({ name }: { name: string }) => {
      const type = backend.artifacts.type(project, name);
      return type ? typeView(type, ctx) : null;
    },
    artifactTypes: (args: PageArgs) =>
      connection(backend.artifacts.typesOf(project), args, (t) => typeView(t, ctx)),
  };
}
