import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ErrorType } from '../shared/errorTypes.js';
import { rootMessage } from '../shared/rootCause.js';
import {
  FineTuneBaseModel,
  FineTuneDatasetDigest,
  FineTuneJobId,
  FineTuneStage,
  FineTunedModel,
} from '../shared/searchAttributes.js';
import type {
  DatasetRef,
  DatasetSummary,
  JobSnapshot,
  PipelineInput,
  PipelineProgress,
  PipelineResult,
  PipelineStage,
  UploadedFile,
} from '../shared/types.js';
import type { CostCheck } from '../shared/providerTypes.js';
import { describeEstimatedCost, estimatedCostOf } from '../shared/estimatedCost.js';
import { DEFAULT_WAIT_POLICY } from '../shared/types.js';
import {
  approvalPolicyActivities,
  createJobActivities,
  datasetActivities,
  fileReadyActivities,
  jobActivities,
  providerActivities,
  resultActivities,
  uploadActivities,
} from './activityOptions.js';
import { ApprovalDesk } from './approval.js';
import { policyConfigProblems, promotionConfigProblems } from './approvalRules.js';
import { awaitFineTuneJob, awaitWorkflowIdFor } from './awaitFineTuneJob.js';
import { HANDLER_DESCRIPTIONS, jobSnapshotSignal, progressQuery } from './definitions.js';
import { describeJob } from './describe.js';
import { stageDetails } from './details.js';
import { failureType, rethrowCancellation } from './failures.js';
import { PipelineWandb } from './pipelineWandb.js';
import { governPromotion } from './promotionStage.js';
import { resolveWaitPolicy } from './waitPolicy.js';
import { SYNC_GRACE_MS } from './wandbBudgets.js';
import { PATCH } from './patches.js';
import { WorkflowEvents } from './events.js';
import { pipelineRef } from './pipelineEvents.js';

/**
 * The fine-tune pipeline. Each stage is one hop from here:
 *   1. validate   — datasetActivities.validateDataset (src/activities/dataset.ts)
 *   2. upload     — uploadActivities.uploadDataset + fileReadyActivities (src/activities/training/files.ts)
 *   3. create job — jobActivities.createFineTuneJob (exactly once; src/activities/training/jobs.ts;
 *                   the provider's own way: src/providers/<name>/)
 *   4. wait       — child workflow awaitFineTuneJob (webhook signal + adaptive poll)
 *   5. results    — resultActivities.summarizeResults
 *   6. promotion  — governPromotion (src/workflows/promotionStage.ts): gates (gates.ts), a person's
 *                   decision by signal or Update (approval.ts, approvalRules.ts; signed under the
 *                   worker's approval policy: src/approvals, fineTuneCandidate.ts), then the alias
 *                   moves under a per-collection lock (moveModelAlias.ts, handed on by
 *                   aliasLock.ts); rollback is its own workflow (rollbackPromotion.ts)
 * W&B (src/workflows/pipelineWandb.ts, best effort, short budgets in wandbBudgets.ts): datasets
 * versioned before upload (an unchanged version's recorded file is reused), the run opened at job
 * creation with metrics streamed live beside the wait, and the child workflow syncFineTune started
 * at the job's end (any terminal status) beside the rest, catching up on what an outage left undone.
 */
export async function fineTunePipeline(input: PipelineInput): Promise<PipelineResult> {
  const info = workflowInfo();
  // Runs started before governed promotion existed replay, and finish, as they began.
  const governed = patched(PATCH.governedPromotion);
  // W&B work gets short budgets and is owed to the sync child past them; the sync runs beside
  // the rest of the pipeline, awaited only where promotion needs W&B.
  const wandbAside = patched(PATCH.wandbNeverHoldsTheFineTune);
  // Signed events to the operator's endpoints (src/workflows/events.ts), in runs since they came.
  const events = new WorkflowEvents(patched(PATCH.outgoingEvents));
  const method = input.method ?? { type: 'supervised' as const };
  const policy = resolveWaitPolicy(DEFAULT_WAIT_POLICY, input.wait);
  const progress: PipelineProgress = { stage: 'validating', datasets: [], files: [] };
  const wandb = new PipelineWandb(input, { labelActivities: governed, deferOnOutage: wandbAside });
  progress.wandb = wandb.result;
  if (events.enabled) progress.events = events.emitted;
  const eventRef = () => pipelineRef(input, progress, wandb);
  const promotion = governed && input.promotion !== false ? (input.promotion ?? {}) : false;
  const desk = new ApprovalDesk(promotion, () => progress.stage);
  if (governed) {
    desk.install();
    progress.approval = desk.record;
  }
  setHandler(progressQuery, () => progress, { description: HANDLER_DESCRIPTIONS.progress });
  const showDetails = (details: string) => {
    // Once estimated, the training price stays under every stage's details (the UI, `status`).
    const cost = estimatedCostOf(progress);
    const price = cost ? describeEstimatedCost(cost) : undefined;
    const shown = price && !details.includes(price) ? `${details}\n\n${price}` : details;
    progress.details = shown;
    setCurrentDetails(shown);
  };
  wandb.onWait = (details) => showDetails(stageDetails(progress.stage, details));
  setHandler(
    jobSnapshotSignal,
    (snap) => {
      if (snap.jobId !== progress.jobId || progress.stage !== 'training') return;
      progress.job = snap;
      showDetails(stageDetails('training', describeJob(snap)));
    },
    { description: HANDLER_DESCRIPTIONS.jobSnapshot },
  );
  let lastActiveStage: PipelineStage = progress.stage;
  const setStage = (stage: PipelineStage, details?: string) => {
    if (stage !== 'failed') lastActiveStage = stage;
    progress.stage = stage;
    upsertSearchAttributes([{ key: FineTuneStage, value: stage }]);
    showDetails(stageDetails(stage, details));
  };
  upsertSearchAttributes([{ key: FineTuneBaseModel, value: input.model }]);
  if (promotion) {
    const problems = promotionConfigProblems(promotion);
    if (problems.length) {
      progress.error = `invalid promotion settings: ${problems.join('; ')}`;
      setStage('failed', progress.error);
      throw ApplicationFailure.nonRetryable(progress.error, ErrorType.InvalidPromotionConfig);
    }
  }

  try {
    setStage(
      'validating',
      'checking the datasets on the worker, then the base model with the provider',
    );
    // The worker's approval policy, recorded here once: the starter cannot loosen it, and a
    // change of policy applies to pipelines started after it (runs since `signed-approvals`).
    const signing = promotion !== false && patched(PATCH.signedApprovals);
    if (signing) {
      const policy = await approvalPolicyActivities.loadApprovalPolicy();
      desk.useSigning(policy);
      const problems = policy ? policyConfigProblems(promotion, policy.digest) : [];
      if (problems.length) {
        progress.error = `invalid promotion settings: ${problems.join('; ')}`;
        setStage('failed', progress.error);
        throw ApplicationFailure.nonRetryable(progress.error, ErrorType.InvalidPromotionConfig);
      }
    }
    const refs: { role: DatasetSummary['role']; ref: DatasetRef }[] = [
      { role: 'training', ref: input.training },
    ];
    if (input.validation) refs.push({ role: 'validation', ref: input.validation });
    // The UI labels each activity with the dataset it works on (runs since governed promotion).
    const label = (summary: string) => (governed ? { summary } : {});
    const datasets: DatasetSummary[] = await Promise.all(
      refs.map(({ role, ref }) =>
        datasetActivities.validateDataset.executeWithOptions(
          label(`validate ${role}: ${ref.path}`),
          [
            {
              role,
              path: ref.path,
              model: input.model,
              method: method.type,
              piiScan: input.piiScan,
              ...(promotion && promotion.gates?.pii !== 'off' ? { collectPii: true } : {}),
            },
          ],
        ),
      ),
    );
    progress.datasets = datasets;
    upsertSearchAttributes([{ key: FineTuneDatasetDigest, value: datasets[0]!.digest }]);
    if (patched(PATCH.providerRunway)) {
      // Before anything is versioned or uploaded: refused here, nothing is spent or left behind.
      progress.runway = await providerActivities.checkTrainingRunway({
        model: input.model,
        suffix: input.suffix,
        // The request too, for the provider's limits (LoRA or full, batch size, context length).
        method: method.type,
        ...(method.hyperparameters ? { hyperparameters: { ...method.hyperparameters } } : {}),
        ...(input.tuning ? { tuning: input.tuning } : {}),
        longestExampleTokens: datasets[0]!.longestExampleTokens,
        hasValidation: datasets.length > 1,
      });
    }
    // Pre-flight passed: the data is valid and the provider will train this model. `finetune
    // start` waits for this (or for the pipeline to fail) before it says the pipeline started.
    progress.preflightPassed = true;
    showDetails(
      stageDetails(
        'validating',
        'pre-flight passed: datasets valid, the provider will train the model',
      ),
    );

    await wandb.connect();
    const knownFiles = await wandb.versionDatasets(datasets, method.type);

    setStage('uploading', `${datasets.length} file(s) to the provider`);
    const files: UploadedFile[] = [];
    for (const d of datasets) {
      const file = await uploadActivities.uploadDataset.executeWithOptions(
        label(`upload ${d.role}: ${d.path}`),
        [{ path: d.path, digest: d.digest, knownFileId: knownFiles.get(d.role) }],
      );
      await fileReadyActivities.waitForFileReady.executeWithOptions(
        label(`wait until the ${d.role} file ${file.fileId} is processed`),
        [file.fileId],
      );
      await wandb.recordFile(d.role, file);
      files.push(file);
      progress.files = [...files];
    }

    if (
      (progress.runway?.estimateAfterUpload === true || input.maxCostUsd !== undefined) &&
      patched(PATCH.trainingCostCheck)
    ) {
      // The price before the job: the provider's estimate of these uploaded files (or ours); a
      // provider that will not go ahead, or a figure above --max-cost, stops here, and this run's
      // uploads are removed.
      showDetails(stageDetails('uploading', 'estimating the training price'));
      progress.cost = await providerActivities
        .estimateTrainingCost({
          model: input.model,
          trainingFileId: files[0]!.fileId,
          ...(files[1] ? { validationFileId: files[1].fileId } : {}),
          method,
          ...(input.tuning ? { tuning: input.tuning } : {}),
          ...(datasets[0]!.estimatedUsd !== undefined
            ? { localUsd: datasets[0]!.estimatedUsd }
            : {}),
          ...(input.maxCostUsd !== undefined ? { maxUsd: input.maxCostUsd } : {}),
        })
        .catch((err: unknown) => cleanUpRefusedCost(err, files, progress));
      showDetails(stageDetails('uploading', describeEstimatedCost(estimatedCostOf(progress)!)));
    }

    setStage('creating_job', 'the fine-tuning job, exactly once');
    const created = await createJobActivities
      .createFineTuneJob({
        workflowId: info.workflowId,
        runId: info.firstExecutionRunId,
        model: input.model,
        trainingFileId: files[0]!.fileId,
        validationFileId: files[1]?.fileId,
        method,
        suffix: input.suffix,
        seed: input.seed,
        metadata: input.metadata,
        // Open-weight settings (LoRA, full, learning rate…): an optional field, so older runs replay.
        ...(input.tuning ? { tuning: input.tuning } : {}),
      })
      .catch((err: unknown) => cleanUpRefusedTraining(err, files, progress.runway !== undefined));
    progress.jobId = created.jobId;
    progress.job = created;
    upsertSearchAttributes([{ key: FineTuneJobId, value: created.jobId }]);
    await wandb.openRun(created.jobId);

    setStage('training', `job ${created.jobId} submitted`);
    // Named after the job (runs since this change), so a verified webhook can signal it by id
    // instead of searching visibility, which lags behind.
    progress.waitWorkflowId = patched(PATCH.waitByJobId)
      ? awaitWorkflowIdFor(created.jobId)
      : `${info.workflowId}/job`;
    const waited = await executeChild(awaitFineTuneJob, {
      workflowId: progress.waitWorkflowId,
      args: [
        {
          jobId: created.jobId,
          policy,
          live: wandb.live,
          ...(governed ? { reportTo: info.workflowId } : {}),
        },
      ],
      staticSummary: `wait for ${created.jobId}`,
    });
    const job = waited.snapshot;
    progress.job = job;
    if (wandbAside) {
      // The job's end is the pipeline's stage at once, whatever W&B does; then the sync starts.
      const failure = jobFailure(job, setStage, progress);
      if (!failure) {
        setStage('succeeded', `fine-tuned model \`${job.fineTunedModel}\``);
        upsertSearchAttributes([{ key: FineTunedModel, value: job.fineTunedModel! }]);
      }
      await wandb.startSync(job.jobId, files, datasets);
      if (failure) throw failure;
    } else {
      showDetails(stageDetails('training', `job ${job.status}; syncing to W&B`));
      await wandb.sync(job.jobId, files, datasets);
      failUnlessSucceeded(job, setStage, progress);
    }

    // The job succeeded: a results file that cannot be read is reported, never a failed pipeline.
    let results: PipelineResult['results'];
    if (job.resultFiles[0]) {
      try {
        results = await resultActivities.summarizeResults(job.resultFiles[0]);
      } catch (err) {
        rethrowCancellation(err);
        if (!governed) throw err;
        progress.resultsError = rootMessage(err);
      }
    }
    if (!wandbAside) {
      setStage('succeeded', `fine-tuned model \`${job.fineTunedModel}\``);
      if (governed) upsertSearchAttributes([{ key: FineTunedModel, value: job.fineTunedModel! }]);
    }
    let stage: PipelineResult['stage'];
    if (promotion) {
      stage = await governPromotion({
        input,
        config: promotion,
        job: { ...job, fineTunedModel: job.fineTunedModel! },
        datasets,
        wandb,
        desk,
        setStage,
        estimatedCost: estimatedCostOf(progress),
        signing,
        events,
        eventRef,
      });
    } else if (governed) {
      stage = 'succeeded';
      if (wandbAside) {
        await wandb.synced('its run goes in the result', SYNC_GRACE_MS);
        showDetails(stageDetails('succeeded', `fine-tuned model \`${job.fineTunedModel}\``));
      }
    }
    // An Update caller waits for its answer: never end the run under it.
    if (governed) await condition(allHandlersFinished);
    return {
      status: 'succeeded',
      ...(stage ? { stage } : {}),
      ...(governed && promotion ? { approval: desk.record } : {}),
      jobId: job.jobId,
      fineTunedModel: job.fineTunedModel!,
      trainedTokens: job.trainedTokens,
      datasets,
      files,
      results,
      wandb: wandb.result,
    };
  } catch (err) {
    if (isCancellation(err)) {
      // The workflow was cancelled: cancel the job too, even though this scope is being cancelled.
      await CancellationScope.nonCancellable(async () => {
        if (progress.jobId) {
          await jobActivities.cancelFineTuneJob(progress.jobId);
          // The run records the cancellation too (finished with status cancelled); since
          // wandbAside in a workflow of its own, which nothing here waits for.
          if (wandbAside) await wandb.startSync(progress.jobId, progress.files, progress.datasets);
          else await wandb.sync(progress.jobId, progress.files, progress.datasets);
        } else if (progress.stage === 'creating_job') {
          await jobActivities.cancelJobForRun(info.workflowId, info.firstExecutionRunId);
        }
        setStage('cancelled', 'by request; its fine-tuning job, if any, was cancelled too');
      });
    } else if (progress.stage !== 'failed') {
      // The innermost message says why (an activity's failure, not "Activity task failed").
      progress.error = rootMessage(err);
      setStage('failed', progress.error);
    }
    if (!isCancellation(err)) {
      await events.emit('pipeline.failed', {
        ...eventRef(),
        stage: lastActiveStage,
        error: progress.error ?? rootMessage(err),
        ...(failureType(err) ? { errorType: failureType(err) } : {}),
      });
    }
    throw err;
  }
}

/**
 * The provider refused to train (e.g. a 403 training_not_available): the files this run uploaded
 * are deleted (never ones reused from earlier runs) and the failure says what to do instead.
 */
async function cleanUpRefusedTraining(
  err: unknown,
  files: UploadedFile[],
  enabled: boolean,
): Promise<never> {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (
    !enabled ||
    !(cause instanceof ApplicationFailure) ||
    cause.type !== ErrorType.TrainingNotAvailable
  ) {
    throw err;
  }
  const ours = files.filter((f) => !f.reused).map((f) => f.fileId);
  const deleted = ours.length ? await providerActivities.deleteUploadedFiles(ours) : [];
  throw ApplicationFailure.nonRetryable(
    `${cause.message} ${deleted.length ? `The ${deleted.length} file(s) this run uploaded were deleted (${deleted.join(', ')}).` : 'No file of this run was left behind.'} ` +
      "Start the pipeline on another provider's worker instead (FINETUNE_PROVIDER, and `finetune start --task-queue <its queue>`), or move a promoted model with `finetune migrate --to <provider>`.",
    ErrorType.TrainingNotAvailable,
  );
}

/** A price refusal (CostLimitExceeded): this run's uploads are deleted, then it fails with the figure. */
async function cleanUpRefusedCost(
  err: unknown,
  files: UploadedFile[],
  progress: PipelineProgress,
): Promise<never> {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure) || cause.type !== ErrorType.CostLimitExceeded) {
    throw err;
  }
  // The refused figure stays in the status, as an accepted one would.
  const check = cause.details?.[0] as CostCheck | undefined;
  if (check) progress.cost = check;
  const ours = files.filter((f) => !f.reused).map((f) => f.fileId);
  const deleted = ours.length ? await providerActivities.deleteUploadedFiles(ours) : [];
  throw ApplicationFailure.create({
    message: `${cause.message} ${deleted.length ? `The ${deleted.length} file(s) this run uploaded were deleted (${deleted.join(', ')}).` : 'No file of this run was left behind.'}`,
    type: ErrorType.CostLimitExceeded,
    nonRetryable: true,
    details: cause.details ? [...cause.details] : [],
  });
}

function failUnlessSucceeded(
  job: JobSnapshot,
  setStage: (s: PipelineStage, d?: string) => void,
  progress: PipelineProgress,
): void {
  const failure = jobFailure(job, setStage, progress);
  if (failure) throw failure;
}

/** The job's end as the pipeline's stage: `failed` (with the failure to end on) unless it succeeded. */
function jobFailure(
  job: JobSnapshot,
  setStage: (s: PipelineStage, d?: string) => void,
  progress: PipelineProgress,
): ApplicationFailure | undefined {
  if (job.status === 'succeeded' && job.fineTunedModel) return undefined;
  if (job.status === 'cancelled') {
    progress.error = `Fine-tuning job ${job.jobId} was cancelled outside this workflow.`;
    setStage('failed', progress.error);
    return ApplicationFailure.nonRetryable(progress.error, ErrorType.FineTuneJobCancelled);
  }
  const e = job.error;
  const param = e?.param ? ` (${e.param})` : '';
  progress.error = e
    ? `Fine-tuning job ${job.jobId} failed: ${e.code}: ${e.message}${param}`
    : `Fine-tuning job ${job.jobId} ended with status ${job.status} and no error details.`;
  setStage('failed', progress.error);
  return ApplicationFailure.nonRetryable(progress.error, ErrorType.FineTuneJobFailed, job.error);
}
