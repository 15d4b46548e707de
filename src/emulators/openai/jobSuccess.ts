import { nowSeconds } from './clock.js';
import type { EmulatorContext } from './context.js';
import { addFile } from './fileRecords.js';
import { addEvent } from './jobEvents.js';
import type { CheckpointRecord, JobRecord } from './records.js';
import { encodeResults } from './resultsCsv.js';
import type { StepMetrics } from './trainingCurve.js';

const KEPT_CHECKPOINTS = 3;

/** Checkpoint metrics carry the step's metrics minus `total_steps`. */
function checkpointMetrics(m: StepMetrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(m)) {
    if (key !== 'total_steps' && typeof value === 'number') out[key] = value;
  }
  return out;
}

/**
 * What a successful job leaves behind: the fine-tuned model, checkpoints at the ends of the last
 * three epochs (the last one *is* the final model), the results file, billed tokens, and the
 * closing events in the order the service writes them.
 */
export function finishSucceeded(ctx: EmulatorContext, job: JobRecord): void {
  const plan = job.plan!;
  const names = ctx.flavor.jobs.modelNames(job, ctx);
  const model = names.model;
  const keptSteps = plan.epochEndSteps.slice(-KEPT_CHECKPOINTS);
  const checkpoints: CheckpointRecord[] = [];
  for (const step of keptSteps) {
    const entry = job.history.find((h) => h.metrics.step === step);
    if (!entry) continue;
    const isFinal = step === plan.totalSteps;
    checkpoints.push({
      id: ctx.ids.checkpoint(),
      createdAt: entry.at,
      model: isFinal ? model : names.checkpoint(step),
      step,
      metrics: checkpointMetrics(entry.metrics),
    });
  }
  job.checkpoints = checkpoints;
  for (const c of checkpoints) {
    addEvent(ctx, job, `Checkpoint created at step ${c.step} with Snapshot ID: ${c.model}`);
  }

  const results = ctx.flavor.jobs.results(job.history.map((h) => h.metrics));
  const content = encodeResults(results.csv, ctx.resultsBase64);
  const fileId = ctx.ids.file();
  const bytes = Buffer.byteLength(content);
  // Synchronous: the file must be readable the moment the job reads `succeeded` (it is small).
  ctx.blobs.writeSmallSync(fileId, content);
  addFile(
    ctx,
    { id: fileId, filename: results.filename, purpose: 'fine-tune-results', bytes },
    true,
  );

  // A results file gone at the provider: the job still names it, its content is 404.
  job.resultFiles = ctx.loseResultsFile?.({ suffix: job.suffix }) ? [ctx.ids.file()] : [fileId];
  job.fineTunedModel = model;
  job.trainedTokens = plan.tokensPerEpoch * plan.epochs;
  addEvent(ctx, job, `New fine-tuned model created: ${model}`);
  addEvent(ctx, job, 'The job has successfully completed');
  job.finishedAt = nowSeconds();
}
