import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ApplicationFailure,
  executeChild,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import {
  SYNC_DEFAULTS,
  type SyncFineTunesResult,
  type SyncJobInput,
  type SyncOptions,
  type SyncOutcome,
} from '../shared/syncTypes.js';
import { ErrorType } from '../shared/errorTypes.js';
import { syncJobActivities } from './activityOptions.js';
import { HANDLER_DESCRIPTIONS, syncBatchQuery } from './definitions.js';
import { rethrowCancellation } from './failures.js';
import { syncFineTune, syncWorkflowId } from './syncFineTune.js';
import { rootMessage } from '../shared/rootCause.js';

/**
 * The `WandbLogger.sync()` equivalent: one job, the N newest, or every job (all pages), each synced
 * by its own child workflow, a few at a time. A job that is already synced is skipped with a
 * reason; it never stops the rest of the batch (the Python logger returned early there).
 */
export async function syncFineTunes(options: SyncOptions = {}): Promise<SyncFineTunesResult> {
  if (
    options.numFineTunes !== undefined &&
    (!Number.isInteger(options.numFineTunes) || options.numFineTunes < 1)
  ) {
    throw ApplicationFailure.nonRetryable(
      `numFineTunes must be a positive whole number, got ${options.numFineTunes}`,
      ErrorType.InvalidSyncOptions,
    );
  }
  const project = options.project ?? SYNC_DEFAULTS.project;
  const perJob = (jobId: string): SyncJobInput => ({
    jobId,
    project,
    entity: options.entity,
    overwrite: options.overwrite ?? SYNC_DEFAULTS.overwrite,
    waitForJobSuccess: options.waitForJobSuccess ?? SYNC_DEFAULTS.waitForJobSuccess,
    logDatasets: options.logDatasets ?? SYNC_DEFAULTS.logDatasets,
    modelArtifactName: options.modelArtifactName ?? SYNC_DEFAULTS.modelArtifactName,
    modelArtifactType: options.modelArtifactType ?? SYNC_DEFAULTS.modelArtifactType,
    runOptions: options.runOptions,
    wait: options.wait,
  });

  const jobIds = options.fineTuneJobId
    ? [options.fineTuneJobId]
    : await syncJobActivities.listFineTuneJobIds({ limit: options.numFineTunes });
  const outcomes: (SyncOutcome | undefined)[] = jobIds.map(() => undefined);
  setHandler(
    syncBatchQuery,
    () => ({ total: jobIds.length, done: outcomes.filter(Boolean) as SyncOutcome[] }),
    { description: HANDLER_DESCRIPTIONS.syncBatch },
  );

  const syncOne = async (index: number): Promise<void> => {
    const jobId = jobIds[index]!;
    try {
      outcomes[index] = await executeChild(syncFineTune, {
        workflowId: syncWorkflowId(options.entity ?? null, project, jobId),
        args: [perJob(jobId)],
        staticSummary: `sync ${jobId} to W&B`,
      });
    } catch (err) {
      // A cancelled batch ends cancelled (its children are cancelled with it), never "skipped".
      rethrowCancellation(err);
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        outcomes[index] = {
          jobId,
          outcome: 'skipped',
          reason: 'a sync of this job is already running',
        };
      } else {
        // One job's failure is reported, not allowed to stop the others.
        outcomes[index] = { jobId, outcome: 'skipped', reason: `sync failed: ${rootMessage(err)}` };
      }
    }
    const done = outcomes.filter(Boolean).length;
    setCurrentDetails(`synced ${done}/${jobIds.length} job(s) to ${project}`);
  };

  const limit = Math.max(1, options.maxConcurrent ?? SYNC_DEFAULTS.maxConcurrent);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobIds.length) await syncOne(next++);
  };
  // Every lane settles first, so a cancelled batch ends only once its children have.
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(limit, jobIds.length) }, lane),
  );
  for (const l of lanes) if (l.status === 'rejected') throw l.reason;

  const jobs = outcomes as SyncOutcome[];
  return {
    target: { project, entity: options.entity ?? null },
    synced: jobs.filter((j) => j.outcome === 'synced').length,
    skipped: jobs.filter((j) => j.outcome === 'skipped').length,
    jobs,
  };
}
