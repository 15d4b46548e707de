import { executeChild, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { JobForSync, SyncJobInput, SyncOutcome, WandbTarget } from '../shared/syncTypes.js';
import { DEFAULT_WAIT_POLICY, isTerminal } from '../shared/types.js';
import { syncJobActivities, wandbActivities, wandbHistoryActivities } from './activityOptions.js';
import { awaitFineTuneJob } from './awaitFineTuneJob.js';
import { HANDLER_DESCRIPTIONS, syncProgressQuery, type SyncProgress } from './definitions.js';
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
    // OpenAI's own integration writes a run with this same id into this project: never a second one.
    return skip(
      `OpenAI's W&B integration already logs this job to ${target.entity}/${target.project}/${input.jobId}`,
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
  if (input.datasets?.length) {
    for (const d of input.datasets) {
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
  };
  return progress.outcome;
}

/** One sync per job and target at a time: the id makes a concurrent duplicate impossible. */
export function syncWorkflowId(entity: string | null, project: string, jobId: string): string {
  return `wandb-sync/${entity ?? '~'}/${project}/${jobId}`;
}
