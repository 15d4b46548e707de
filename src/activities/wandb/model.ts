import { Context } from '@temporalio/activity';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';
import { readJob } from './runs.js';

export interface LogModelInput {
  target: WandbTarget;
  runId: string;
  jobId: string;
  /** WandbLogger's model_artifact_name / model_artifact_type (defaults model-metadata / model). */
  name: string;
  type: string;
}

/**
 * The run's output: `model_metadata.json` (the job as real JSON — WandbLogger wrote Python repr
 * strings inside it) with aliases latest (moved by W&B) and the job id. Logging it again with the
 * same content is deduplicated: no new version on a retry.
 */
export async function logModelArtifact(
  deps: WandbActivityDeps,
  input: LogModelInput,
): Promise<{ ref: string; deduplicated: boolean }> {
  const wandb = requireWandb(deps);
  const signal = Context.current().cancellationSignal;
  const job = await readJob(deps, input.jobId, signal);
  const metadata = job.metadata;
  const logged = await wandbCalling(`Logging the ${input.name} artifact`, () =>
    wandb.logArtifact({
      ...input.target,
      runId: input.runId,
      role: 'output',
      name: input.name,
      type: input.type,
      metadata,
      aliases: [input.jobId],
      files: [
        { path: 'model_metadata.json', source: { text: `${JSON.stringify(metadata, null, 2)}\n` } },
      ],
    }),
  );
  return {
    ref: `${input.target.entity}/${input.target.project}/${input.name}:${input.jobId}`,
    deduplicated: logged.deduplicated,
  };
}
