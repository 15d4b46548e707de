import {
  UserInputError,
  applyUpsert,
  newRun,
  type RunRecord,
  type RunUpsert,
} from '../store/runs.js';
import type { GqlContext } from './views/context.js';
import { runView } from './views/run.js';

type UpsertInput = RunUpsert & { modelName?: string | null; entityName?: string | null };
type RunFilesInput = { entityName: string; projectName: string; runName: string; files: string[] };

function requireRun(ctx: GqlContext, entity: string, project: string, name: string): RunRecord {
  const run = ctx.backend.findRun(entity, project, name);
  if (!run) {
    throw new UserInputError(
      `run ${entity}/${project}/${name} not found; create it with upsertBucket first`,
    );
  }
  return run;
}

function checkRelativePath(path: string): void {
  if (
    path.length === 0 ||
    path.startsWith('/') ||
    path.split('/').includes('..') ||
    path.includes('\\')
  ) {
    throw new UserInputError(
      `run file path "${path}" must be relative, with forward slashes and no ".."`,
    );
  }
}

export const runMutations = {
  upsertBucket: ({ input }: { input: UpsertInput }, ctx: GqlContext) => {
    const { backend } = ctx;
    let run: RunRecord | undefined;
    if (input.id) {
      run = backend.runByStorageId(input.id);
      if (!run) throw new UserInputError(`no run has storage id ${input.id}`);
    }
    let inserted = false;
    if (!run) {
      const project = backend.writableProject(input.entityName, input.modelName);
      run = input.name ? project.runs.get(input.name) : undefined;
      if (!run) {
        run = newRun(backend.ids, project, input.name);
        inserted = true;
      }
    }
    applyUpsert(run, input);
    return { bucket: runView(run, ctx), inserted };
  },

  createRunFiles: ({ input }: { input: RunFilesInput }, ctx: GqlContext) => {
    const { backend } = ctx;
    const run = requireRun(ctx, input.entityName, input.projectName, input.runName);
    const files = input.files.map((name) => {
      checkRelativePath(name);
      const blobKey = `run/${run.n}/${name}`;
      const path = backend.blobs.uploadPath({
        key: blobKey,
        onStored: (blob) => {
          const id = run.files.get(name)?.id ?? backend.ids.take('File').id;
          run.files.set(name, {
            id,
            blobKey,
            size: blob.size,
            md5: blob.md5,
            updatedAt: new Date(),
          });
        },
      });
      return {
        __typename: 'File',
        id: run.files.get(name)?.id ?? name,
        name,
        uploadUrl: ctx.baseUrl + path,
      };
    });
    return { runID: run.id, uploadHeaders: [], files };
  },

  markRunFilesUploaded: ({ input }: { input: RunFilesInput }, ctx: GqlContext) => {
    const run = requireRun(ctx, input.entityName, input.projectName, input.runName);
    for (const name of input.files) run.reportedUploaded.add(name);
    return { success: true };
  },

  stopRun: ({ input }: { input: { id: string } }, ctx: GqlContext) => {
    const run = ctx.backend.runByStorageId(input.id);
    if (!run) throw new UserInputError(`no run has storage id ${input.id}`);
    run.stopped = true;
    return { success: true };
  },
};
