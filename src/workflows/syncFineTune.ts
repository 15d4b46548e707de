import { executeChild, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type {
  DatasetArtifactRef,
  JobForSync,
  OwedDataset,
  SyncJobInput,
  SyncOutcome,
  WandbTarget,
} from '../shared/syncTypes.js';
import { DEFAULT_WAIT_POLICY, isTerminal } from '../shared/types.js';
import {
  catchUpActivities,
  syncJobActivities,
  wandbActivities,
  wandbHistoryActivities,
} from './activityOptions.js';
import { awaitFineTuneJob } from './awaitFineTuneJob.js';
import { HANDLER_DESCRIPTIONS, syncProgressQuery, type SyncProgress } from './definitions.js';
import { rethrowCancellation } from './failures.js';
import { resolveWaitPolicy } from './waitPolicy.js';

/**
 * Syncs one fine-tuning job to W&B, like `WandbLogger.sync(fine_tune_job_id=…)` but durable: the
 * run (id and name = job id) gets the job as config, every results row as a history step, the
 * datasets as input artifacts and a model-metadata artifact as output, and is finished with the
 * job's real outcome — failed and cancelled jobs too, with their error. Every step is idempotent,
 * so a retry or a worker crash never duplicates history rows or artifact versions.
 */
export async function syncFineTune(input: SyncJobInput): Promise<SyncOutcome> {
  const progress: SyncProgress = { jobId: input.jobId, step: 'checking' };
  setHandler(syncProgressQuery, () => progress, {
    description: HANDLER_DESCRIPTIONS.syncProgress,
  });
  const say = (step: SyncProgress['step'], details: string) => {
    progress.step = step;
    setCurrentDetails(`**${input.jobId}** — ${details}`);
  };

  say('checking', 'checking the job and W&B');
  const target = (await wandbActivities.resolveWandbTarget({
    project: input.project,
    entity: input.entity,
  })) as WandbTarget; // not optional: a worker without W&B fails this with WandbNotConfigured
  // What the pipeline could not do in W&B before its job comes first: the dataset versions and
  // their file ids are owed whatever becomes of the run.
  const caughtUp = input.catchUp
    ? await catchUpDatasets(target, input.catchUp.datasets, (what) => say('checking', what))
    : undefined;
  let job: JobForSync = await syncJobActivities.describeJobForSync(input.jobId);
  const skip = (reason: string, runPath?: string): SyncOutcome => {
    say('skipped', reason);
    progress.outcome = { jobId: input.jobId, outcome: 'skipped', reason, runPath };
    return progress.outcome;
  };

  const integration = job.wandbIntegration;
  if (
    integration &&
    integration.project === target.project &&
    (integration.entity ?? target.entity) === target.entity
  ) {
    // The provider's own integration writes a run with this same id into this project: never a second one.
    return skip(
      `the provider's own W&B integration already logs this job to ${target.entity}/${target.project}/${input.jobId}`,
    );
  }
  const existing = await wandbActivities.findWandbRun({ target, runId: input.jobId });
  if (existing?.status === 'succeeded' && !input.overwrite) {
    return skip('already synced successfully (use overwrite to log it again)', existing.runPath);
  }

  if (!isTerminal(job.status)) {
    if (!input.waitForJobSuccess) {
      return skip(`the job is ${job.status}; not waiting (waitForJobSuccess is off)`);
    }
    say('waiting', `waiting for the job to finish (${job.status})`);
    await executeChild(awaitFineTuneJob, {
      workflowId: `${workflowInfo().workflowId}/wait`,
      args: [{ jobId: input.jobId, policy: resolveWaitPolicy(DEFAULT_WAIT_POLICY, input.wait) }],
      staticSummary: `wait for ${input.jobId}`,
    });
    job = await syncJobActivities.describeJobForSync(input.jobId);
  }

  say('logging', 'opening the W&B run');
  const run = await wandbActivities.openWandbRun({
    target,
    jobId: input.jobId,
    runOptions: input.runOptions,
  });
  progress.runPath = run.runPath;

  let historyRows = 0;
  let historySummary: Record<string, unknown> | undefined;
  if (job.resultFiles[0]) {
    say('logging', 'logging the results file as history');
    const history = await wandbHistoryActivities.logResultsHistory({
      target,
      runId: input.jobId,
      resultsFileId: job.resultFiles[0],
    });
    historyRows = history.rows;
    historySummary = history.summary;
  }

  const artifacts: string[] = [];
  const extraConfig: Record<string, number | null> = {};
  const datasets = input.catchUp ? caughtUp : input.datasets;
  if (datasets?.length) {
    for (const d of datasets) {
      const used = await wandbActivities.useDatasetArtifact({
        target,
        runId: input.jobId,
        ref: d.ref,
        fileId: d.fileId,
      });
      artifacts.push(used.ref);
    }
  } else if (input.logDatasets) {
    const files = [
      { role: 'training' as const, fileId: job.trainingFile },
      ...(job.validationFile ? [{ role: 'validation' as const, fileId: job.validationFile }] : []),
    ];
    for (const f of files) {
      say('logging', `logging the ${f.role} file ${f.fileId}`);
      const logged = await wandbHistoryActivities.logDatasetArtifact({
        target,
        runId: input.jobId,
        role: f.role,
        fileId: f.fileId,
        overwrite: input.overwrite,
        model: job.model,
        method: job.method,
      });
      if (logged) {
        artifacts.push(logged.ref);
        extraConfig[f.role === 'training' ? 'n_train' : 'n_valid'] = logged.items;
      }
    }
  }

  if (job.status === 'succeeded') {
    const model = await wandbActivities.logModelArtifact({
      target,
      runId: input.jobId,
      jobId: input.jobId,
      name: input.modelArtifactName,
      type: input.modelArtifactType,
    });
    artifacts.push(model.ref);
  }

  await wandbActivities.finishWandbRun({
    target,
    jobId: input.jobId,
    runOptions: input.runOptions,
    extraConfig,
    historySummary,
  });
  say('done', `synced to ${run.runPath} (${job.status})`);
  progress.outcome = {
    jobId: input.jobId,
    outcome: 'synced',
    runPath: run.runPath,
    jobStatus: job.status,
    historyRows,
    artifacts,
    error: job.error,
    ...(caughtUp ? { datasets: caughtUp } : {}),
  };
  return progress.outcome;
}

/**
 * The pipeline's W&B record of its datasets, finished here when W&B did not answer before the
 * job: each version made (the same version if it exists), its file id recorded. All of them, or
 * none: a run with only some pipeline versions would hide the rest, so it then gets copies.
 */
async function catchUpDatasets(
  target: WandbTarget,
  owed: OwedDataset[],
  say: (what: string) => void,
): Promise<(DatasetArtifactRef & { created?: boolean })[] | undefined> {
  const refs: (DatasetArtifactRef & { created?: boolean })[] = [];
  for (const d of owed) {
    let ref = d.ref;
    let created: boolean | undefined;
    try {
      if (!ref) {
        say(`versioning the ${d.role} dataset the pipeline could not version (W&B was down)`);
        const { role, path, digest, model, method } = d;
        const v = await catchUpActivities.versionDataset({
          target,
          role,
          path,
          digest,
          model,
          method,
        });
        ref = v.ref;
        created = v.created;
      }
      if (!d.fileRecorded) {
        await catchUpActivities.recordDatasetFile({ target, ref, fileId: d.fileId });
      }
    } catch (err) {
      rethrowCancellation(err);
      // Refused for good (or a day of outage): the run gets per-file copies instead, below.
    }
    if (ref)
      refs.push({
        role: d.role,
        ref,
        fileId: d.fileId,
        ...(created === undefined ? {} : { created }),
      });
  }
  return refs.length === owed.length ? refs : undefined;
}

/** One sync per job and target at a time: the id makes a concurrent duplicate impossible. */
export function syncWorkflowId(entity: string | null, project: string, jobId: string): string {
  return `wandb-sync/${entity ?? '~'}/${project}/${jobId}`;
}
