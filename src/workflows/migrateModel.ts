import {
  ApplicationFailure,
  executeChild,
  patched,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../shared/errorTypes.js';
import type { MigrateInput, MigrationResult } from '../shared/migrationTypes.js';
import type { DatasetRef, PipelineInput } from '../shared/types.js';
import { governanceReadActivities } from './activityOptions.js';
import { wandbNotConfigured } from './failures.js';
import { fineTunePipeline } from './fineTunePipeline.js';
import { PATCH } from './patches.js';

const retry = {
  initialInterval: '2s',
  maximumInterval: '2 minutes',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/**
 * Moves a promoted model to another provider before it stops serving: records its answers on the
 * eval prompts as a golden set (W&B), retrains at the target from the exact dataset version it
 * was trained on, gates the new model on agreeing with the golden set, and ends in the normal
 * approval and promotion (with deployment). Lineage: old model → golden set → new model.
 */
export async function migrateModel(input: MigrateInput): Promise<MigrationResult> {
  const info = workflowInfo();
  // The recording runs where the old model can be called; the downloads where the new one trains.
  const atSource = proxyActivities<Pick<Activities, 'recordGoldenSet'>>({
    taskQueue: input.sourceTaskQueue,
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '1 minute',
    retry,
  });
  const atTarget = proxyActivities<Pick<Activities, 'materializeDataset'>>({
    taskQueue: input.targetTaskQueue,
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '30 seconds',
    retry,
  });

  const target = await governanceReadActivities.resolveWandbTarget({
    project: input.project,
    entity: input.entity,
  });
  if (!target) throw wandbNotConfigured('Migrating a model');
  const start = /^ftjob-|:/.test(input.from) ? input.from : `${input.collection}:${input.from}`;
  setCurrentDetails(`tracing ${start}`);
  const lineage = await governanceReadActivities.traceLineage({
    target,
    collection: input.collection,
    start,
  });
  const model = lineage.model;
  // Retrying cannot add what the version never recorded: fail at once, saying what to migrate.
  if (!model.fineTunedModel) {
    throw ApplicationFailure.nonRetryable(
      `${model.ref} records no fine-tuned model id, so there is no model to migrate; give --from a model version a pipeline promoted (e.g. production or vN)`,
      ErrorType.MigrationSourceIncomplete,
    );
  }
  const training = lineage.datasets.find((d) => d.role === 'training');
  if (!training) {
    throw ApplicationFailure.nonRetryable(
      `${model.ref} has no recorded training dataset version (it was not trained by a pipeline of this version, e.g. it came from \`finetune sync\`); migrate needs the exact data: give --from a version a pipeline trained, or retrain it with \`finetune start\``,
      ErrorType.MigrationSourceIncomplete,
    );
  }
  const base = input.base ?? model.baseModel ?? '';
  // Runs from before this check started the pipeline on an empty model name (it failed there).
  if (!base && patched(PATCH.migrateRequiresABase)) {
    throw ApplicationFailure.nonRetryable(
      `${model.ref} records no base model: name the base to train at the target with --base`,
      ErrorType.MigrationSourceIncomplete,
    );
  }
  const validation = lineage.datasets.find((d) => d.role === 'validation');
  const promptsFrom = input.evalDataset ?? validation?.ref ?? training.ref;

  setCurrentDetails(`recording ${model.fineTunedModel}'s answers on ${promptsFrom}`);
  const golden = await atSource.recordGoldenSet({
    target,
    model: model.fineTunedModel,
    callAs: model.servedAs ?? model.fineTunedModel,
    modelVersion: model.ref,
    dataset: promptsFrom,
    maxExamples: input.maxExamples ?? 50,
    name: `golden-${model.jobId ?? 'model'}`,
  });

  setCurrentDetails(
    `golden set ${golden.ref} (${golden.examples} answers); fetching the training data at the target`,
  );
  const trainingFile = await atTarget.materializeDataset({ target, ref: training.ref });
  const validationFile = validation
    ? await atTarget.materializeDataset({ target, ref: validation.ref })
    : undefined;
  const evalOptions = {
    ...input.promotion?.gates?.evalOptions,
    dataset: golden.ref,
    primary: 'model' as const,
    minScore: input.minAgreement,
    compareProduction: false,
    maxExamples: input.maxExamples ?? 50,
  };
  const pipelineInput: PipelineInput = {
    training: { path: trainingFile.path } satisfies DatasetRef,
    ...(validationFile ? { validation: { path: validationFile.path } } : {}),
    model: base,
    ...(input.method ? { method: input.method } : {}),
    ...(input.suffix ? { suffix: input.suffix } : {}),
    ...(input.wait ? { wait: input.wait } : {}),
    wandb: { project: target.project, entity: target.entity },
    promotion: {
      ...input.promotion,
      gates: {
        ...input.promotion?.gates,
        eval: input.promotion?.gates?.eval ?? 'block',
        evalOptions,
      },
    },
    migratedFrom: { model: model.fineTunedModel, modelVersion: model.ref, goldenSet: golden.ref },
  };
  const pipelineWorkflowId = `${info.workflowId}/pipeline`;
  setCurrentDetails(
    `retraining at the target: pipeline \`${pipelineWorkflowId}\` (approve it there: \`finetune approve ${pipelineWorkflowId} --by NAME\`)`,
  );
  const pipeline = await executeChild(fineTunePipeline, {
    workflowId: pipelineWorkflowId,
    taskQueue: input.targetTaskQueue,
    args: [pipelineInput],
    staticSummary: `migrate ${model.fineTunedModel} → ${pipelineInput.model}`,
  });
  setCurrentDetails(
    `migrated: ${model.fineTunedModel} → ${pipeline.fineTunedModel} (${pipeline.stage ?? 'succeeded'})`,
  );
  return {
    from: { model: model.fineTunedModel, modelVersion: model.ref, jobId: model.jobId },
    goldenSet: {
      ref: golden.ref,
      examples: golden.examples,
      tokens: golden.promptTokens + golden.completionTokens,
    },
    trainedOn: lineage.datasets.map((d) => ({ role: d.role, ref: d.ref })),
    pipelineWorkflowId,
    pipeline,
  };
}
