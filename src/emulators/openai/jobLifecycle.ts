import { estimatedFinishSeconds, nowSeconds } from './clock.js';
import type { EmulatorContext } from './context.js';
import { invalidRequest } from './errors.js';
import { findFile } from './fileRecords.js';
import { addEvent } from './jobEvents.js';
import type { JobErrorRecord, JobRecord } from './records.js';
import { TERMINAL_STATUSES } from './records.js';
import { checkTrainingData, type DataCheck } from './trainingData.js';
import { concreteHyperparameters, planTraining } from './trainingPlan.js';
import { stepMessage, stepMetrics } from './trainingCurve.js';
import { finishSucceeded } from './jobSuccess.js';
import type { JobWebhookType, WebhookSender } from './webhookSender.js';

const MIN_EXAMPLES = 10;

/**
 * Drives jobs through (Azure: pending →) validating_files → queued → running → succeeded | failed | cancelled on
 * real time, with pause/resume. Each job has at most one pending timer.
 */
export class JobLifecycle {
  private readonly pending = new Map<string, NodeJS.Timeout | undefined>();
  private readonly stepClock = new Map<string, number>();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly webhooks: WebhookSender,
  ) {}

  begin(job: JobRecord): void {
    if (job.status === 'pending') {
      // Azure: accepted, not yet looked at.
      this.schedule(job, this.ctx.durations.pendingMs, () => {
        job.status = 'validating_files';
        this.begin(job);
      });
      return;
    }
    this.schedule(job, this.ctx.durations.validatingMs, () => void this.validate(job));
  }

  /**
   * A job loaded from a snapshot carries on from where it was: validating (or Azure's pending)
   * starts that phase again, queued is queued again, running trains on from its next step, as if
   * the service had paused while the emulator was down.
   */
  restore(job: JobRecord): void {
    if (job.status === 'pending' || job.status === 'validating_files') this.begin(job);
    else if (job.status === 'queued') {
      this.schedule(job, this.ctx.durations.queuedMs, () => void this.requeued(job));
    } else if (job.status === 'running') this.continueTraining(job);
    // A paused job waits for its resume; a finished one is done.
  }

  /** A restored queued job: its data is checked again (its counts were not kept), then it trains. */
  private async requeued(job: JobRecord): Promise<void> {
    const training = await this.check(job.trainingFile, job).catch(() => 'missing' as const);
    if (job.status !== 'queued') return; // cancelled meanwhile
    if (training === 'missing' || !training.ok)
      return this.fail(job, dataProblem(job, training, undefined)!);
    this.ctx.knowledge.learn(job);
    this.startTraining(job, training);
  }

  cancel(job: JobRecord): void {
    if (TERMINAL_STATUSES.has(job.status)) {
      throw invalidRequest(
        `Job ${job.id} has already ${job.status === 'cancelled' ? 'been cancelled' : 'finished'}.`,
        'fine_tuning_job_id',
      );
    }
    this.clear(job);
    addEvent(this.ctx, job, 'Fine-tuning job cancelled');
    this.finish(job, 'cancelled');
  }

  pause(job: JobRecord): void {
    if (job.status !== 'running') {
      throw invalidRequest(
        `Job ${job.id} is ${job.status}; only a running job can be paused.`,
        'fine_tuning_job_id',
      );
    }
    this.clear(job);
    job.status = 'paused';
    job.estimatedFinish = null;
    addEvent(this.ctx, job, 'Fine-tuning job paused');
  }

  resume(job: JobRecord): void {
    if (job.status !== 'paused') {
      throw invalidRequest(
        `Job ${job.id} is ${job.status}; only a paused job can be resumed.`,
        'fine_tuning_job_id',
      );
    }
    job.status = 'running';
    addEvent(this.ctx, job, 'Fine-tuning job resumed');
    this.continueTraining(job);
  }

  private schedule(job: JobRecord, ms: number, fn: () => void): void {
    this.clear(job);
    this.pending.set(job.id, this.ctx.timers.after(ms, fn));
  }

  private clear(job: JobRecord): void {
    this.ctx.timers.cancel(this.pending.get(job.id));
    this.pending.delete(job.id);
  }

  private async check(fileId: string, job: JobRecord): Promise<DataCheck | 'missing'> {
    if (!findFile(this.ctx, fileId)) return 'missing';
    return checkTrainingData(this.ctx.blobs.read(fileId), job.methodType, {
      byteOrderMark: this.ctx.flavor.jobs.acceptsByteOrderMark,
    });
  }

  private async validate(job: JobRecord): Promise<void> {
    const training = await this.check(job.trainingFile, job).catch(() => 'missing' as const);
    const validation = job.validationFile
      ? await this.check(job.validationFile, job).catch(() => 'missing' as const)
      : undefined;
    if (job.status !== 'validating_files') return; // cancelled meanwhile
    const problem = dataProblem(job, training, validation);
    if (problem) return this.fail(job, problem);
    if (training === 'missing' || !training.ok) return; // narrowed above; keeps the types honest
    addEvent(this.ctx, job, 'Files validated, moving job to queued state');
    // Read now, while the files surely exist: the fine-tuned model will answer from them.
    this.ctx.knowledge.learn(job);
    job.status = 'queued';
    this.schedule(job, this.ctx.durations.queuedMs, () => this.startTraining(job, training));
  }

  private startTraining(job: JobRecord, data: { examples: number; tokens: number }): void {
    job.hyperparameters = concreteHyperparameters(
      job.hyperparameters,
      job.methodType,
      data.examples,
    );
    const fails =
      this.ctx.failTraining?.({
        model: job.model,
        suffix: job.suffix,
        metadata: { ...job.metadata },
      }) ?? false;
    job.plan = planTraining({
      examples: data.examples,
      tokens: data.tokens,
      epochs: Number(job.hyperparameters.n_epochs),
      totalSteps: this.ctx.steps,
      hasValidation: job.validationFile !== null,
      failsInTraining: fails,
    });
    job.status = 'running';
    addEvent(this.ctx, job, 'Fine-tuning job started');
    this.continueTraining(job);
  }

  private stepIntervalMs(job: JobRecord): number {
    return this.ctx.durations.runningMs / (job.plan?.totalSteps ?? 1);
  }

  private continueTraining(job: JobRecord): void {
    const plan = job.plan!;
    const interval = this.stepIntervalMs(job);
    const remainingMs = (plan.totalSteps - job.stepsDone) * interval;
    const overrun = Math.max(0, this.ctx.overrunEstimateMs?.({ suffix: job.suffix }) ?? 0);
    job.estimatedFinish = estimatedFinishSeconds(Date.now(), Math.max(0, remainingMs - overrun));
    // Where step 0 would have been on the clock, so steps due by wall time can be caught up.
    this.stepClock.set(job.id, Date.now() - job.stepsDone * interval);
    this.schedule(job, interval, () => this.step(job));
  }

  /**
   * Advances every step that is due by now (at least one): timers fire at most about once a
   * millisecond, so a job of 100 000 steps in a few seconds takes many steps per tick.
   */
  private step(job: JobRecord): void {
    const interval = this.stepIntervalMs(job);
    const due = Math.floor((Date.now() - (this.stepClock.get(job.id) ?? Date.now())) / interval);
    const target = Math.min(job.plan!.totalSteps, Math.max(job.stepsDone + 1, due));
    while (job.stepsDone < target) {
      if (!this.advance(job)) return;
    }
    // The next step at its own time on the clock, not an interval after this (late) tick: late
    // ticks would add up to a job that ends up to a step after its estimated_finish.
    const nextAt = (this.stepClock.get(job.id) ?? Date.now()) + (job.stepsDone + 1) * interval;
    this.schedule(job, Math.max(1, nextAt - Date.now()), () => this.step(job));
  }

  /** One training step; false once the job has ended. */
  private advance(job: JobRecord): boolean {
    const plan = job.plan!;
    job.stepsDone++;
    const metrics = stepMetrics(plan, job.seed, job.stepsDone);
    job.history.push({ metrics, at: nowSeconds() });
    addEvent(this.ctx, job, stepMessage(metrics), { type: 'metrics', data: { ...metrics } });
    if (plan.failAtStep === job.stepsDone) {
      this.fail(job, {
        code: 'training_failed',
        message: `Fine-tuning failed at step ${job.stepsDone} because of an internal error. Start a new job; if it fails again, contact support.`,
        param: null,
      });
      return false;
    }
    if (job.stepsDone >= plan.totalSteps) {
      this.clear(job);
      finishSucceeded(this.ctx, job);
      this.finish(job, 'succeeded');
      return false;
    }
    return true;
  }

  private fail(job: JobRecord, error: JobErrorRecord): void {
    this.clear(job);
    job.error = error;
    addEvent(this.ctx, job, error.message, { level: 'error' });
    this.finish(job, 'failed');
  }

  private finish(job: JobRecord, status: 'succeeded' | 'failed' | 'cancelled'): void {
    job.status = status;
    job.finishedAt = nowSeconds();
    job.estimatedFinish = null;
    job.terminalAtMs = Date.now();
    this.webhooks.notify(`fine_tuning.job.${status}` as JobWebhookType, job.id);
  }

  close(): void {
    for (const handle of this.pending.values()) this.ctx.timers.cancel(handle);
    this.pending.clear();
  }
}

/** The job error a validation outcome calls for, as the service reports it (asynchronously). */
function dataProblem(
  job: JobRecord,
  training: DataCheck | 'missing',
  validation: DataCheck | 'missing' | undefined,
): JobErrorRecord | undefined {
  if (training === 'missing') {
    return {
      code: 'invalid_training_file',
      message: `The training file ${job.trainingFile} could not be read: it was deleted or expired.`,
      param: 'training_file',
    };
  }
  if (!training.ok) {
    return {
      code: 'invalid_training_file',
      message: `The job failed due to an invalid training file. Invalid file format. ${training.reason}.`,
      param: 'training_file',
    };
  }
  if (training.examples < MIN_EXAMPLES) {
    return {
      code: 'invalid_n_examples',
      message: `Training file has ${training.examples} example(s), but must have at least ${MIN_EXAMPLES} examples`,
      param: 'training_file',
    };
  }
  if (validation === 'missing') {
    return {
      code: 'invalid_validation_file',
      message: `The validation file ${job.validationFile} could not be read: it was deleted or expired.`,
      param: 'validation_file',
    };
  }
  if (validation && !validation.ok) {
    return {
      code: 'invalid_validation_file',
      message: `The job failed due to an invalid validation file. Invalid file format. ${validation.reason}.`,
      param: 'validation_file',
    };
  }
  return undefined;
}
