import type { ArtifactRecord } from '../store/artifactRecords.js';
import type { ArtifactFileSpecInput } from '../store/artifactFiles.js';
import type { CreateArtifactInput } from '../store/artifacts.js';
import { UserInputError } from '../store/runs.js';
import { artifactView, manifestView } from './views/artifact.js';
import { connection, type GqlContext } from './views/context.js';

export function requireArtifact(ctx: GqlContext, id: string): ArtifactRecord {
  const artifact = ctx.backend.artifacts.artifacts.get(id);
  if (!artifact) throw new UserInputError(`artifact ${id} not found`);
  return artifact;
}

export const artifactMutations = {
  createArtifact: ({ input }: { input: CreateArtifactInput }, ctx: GqlContext) => {
    const { backend } = ctx;
    const run = input.runName
      ? backend.findRun(input.entityName, input.projectName, input.runName)
      : null;
    if (input.runName && !run) {
      throw new UserInputError(
        `run ${input.entityName}/${input.projectName}/${input.runName} not found; upsert the run before logging artifacts to it`,
      );
    }
    return { artifact: artifactView(backend.artifacts.create(input, run ?? null), ctx) };
  },

  createArtifactManifest: (
    {
      input,
    }: {
      input: {
        artifactID: string;
        baseArtifactID?: string | null;
        name: string;
        digest: string;
        type?: string | null;
      };
    },
    ctx: GqlContext,
  ) => {
    const artifact = requireArtifact(ctx, input.artifactID);
    const manifest = ctx.backend.artifactFiles.upsertManifest(artifact, {
      name: input.name,
      digest: input.digest,
      type: input.type ?? 'FULL',
      baseArtifactID: input.baseArtifactID ?? null,
    });
    return { artifactManifest: manifestView(manifest, ctx) };
  },

  updateArtifactManifest: (
    {
      input,
    }: {
      input: { artifactManifestID: string; digest?: string | null; baseArtifactID?: string | null };
    },
    ctx: GqlContext,
  ) => {
    const manifest = ctx.backend.artifactFiles.manifests.get(input.artifactManifestID);
    if (!manifest)
      throw new UserInputError(`artifact manifest ${input.artifactManifestID} not found`);
    ctx.backend.artifactFiles.upsertManifest(manifest.artifact, {
      name: manifest.name,
      digest: input.digest ?? manifest.digest,
      type: manifest.type,
      ...(input.baseArtifactID !== undefined ? { baseArtifactID: input.baseArtifactID } : {}),
    });
    return { artifactManifest: manifestView(manifest, ctx) };
  },

  createArtifactFiles: (
    { input }: { input: { artifactFiles: ArtifactFileSpecInput[]; storageLayout: string } },
    ctx: GqlContext,
  ) => {
    const created = input.artifactFiles.map((spec) => {
      const artifact = requireArtifact(ctx, spec.artifactID);
      const file = ctx.backend.artifactFiles.createFile(artifact, spec);
      const birth = requireArtifact(ctx, file.birthArtifactId);
      return {
        __typename: 'File',
        id: file.id,
        name: file.name,
        displayName: file.name,
        storagePath: file.storagePath,
        uploadUrl: file.uploadPath ? ctx.baseUrl + file.uploadPath : null,
        uploadHeaders: file.uploadHeaders,
        uploadMultipartUrls: null,
        artifact: () => artifactView(birth, ctx),
      };
    });
    return { files: connection(created, {}, (f) => f) };
  },

  commitArtifact: ({ input }: { input: { artifactID: string } }, ctx: GqlContext) => {
    const artifact = requireArtifact(ctx, input.artifactID);
    if (artifact.state !== 'COMMITTED') {
      ctx.backend.artifactFiles.verifyForCommit(artifact);
      ctx.backend.artifacts.commit(artifact);
    }
    return { artifact: artifactView(artifact, ctx) };
  },

  useArtifact: (
    {
      input,
    }: { input: { entityName: string; projectName: string; runName: string; artifactID: string } },
    ctx: GqlContext,
  ) => {
    const artifact = requireArtifact(ctx, input.artifactID);
    const run = ctx.backend.findRun(input.entityName, input.projectName, input.runName);
    if (!run)
      throw new UserInputError(
        `run ${input.entityName}/${input.projectName}/${input.runName} not found`,
      );
    ctx.backend.artifacts.use(artifact, run);
    return { artifact: artifactView(artifact, ctx) };
  },
};
