import { planTraining } from '../openai/trainingPlan.js';
import { pricePerMillionTokens } from './catalog.js';
import type { TogetherContext } from './context.js';
import { badRequest } from './errors.js';
import { addEvent } from './jobEvents.js';
import type { CheckpointRecord, JobRecord, JobStatus } from './records.js';
import { TERMINAL_JOB_STATUSES } from './records.js';
import { evalRow, spreadSteps, trainRow } from './trainingMetrics.js';

/**
 * Drives jobs through `pending → queued → running → compressing → uploading → completed`
 * (spec `FinetuneJobStatus`; Together's skill names the same path), with `error` part-way
 * (`failTraining`) and `cancel_requested → cancelled`. Phases take their provider-time
 * durations on the compressed clock. Event types and their order follow the spec's enum;
 * messages are the emulator's. Each job has at most one pending timer.
 */
export class TogetherJobLifecycle {
  private readonly pending = new Map<string, NodeJS.Timeout | undefined>();
  /** Real time at which step 0 would have been, so steps due by wall time catch up. */
  private readonly stepClock = new Map<string, number>();

  constructor(private readonly ctx: TogetherContext) {}

  begin(job: JobRecord): void {
    addEvent(job, 'job_pending', 'Fine-tuning request created; the job is pending');
    this.stage(job, 'pending', this.ctx.durations.pendingMs, () => this.queue(job));
  }

  cancel(job: JobRecord): void {
    if (job.status === 'cancel_requested') return;
    if (TERMINAL_JOB_STATUSES.has(job.status)) {
      throw badRequest(
        `Fine-tune job ${job.id} is already ${job.status} and cannot be cancelled`,
        'id',
      );
    }
    this.clear(job);
    this.charge(job, job.stepsDone);
    addEvent(
      job,
      'cancel_requested',
      'Cancel requested; you are billed for the training steps completed',
    );
    this.stage(job, 'cancel_requested', this.ctx.durations.cancellingMs, () => this.cancelled(job));
  }

  private cancelled(job: JobRecord): void {
    addEvent(job, 'job_stopped', `Job cancelled after ${job.stepsDone} training steps`);
    this.finish(job, 'cancelled');
  }

  close(): void {
    for (const handle of this.pending.values()) this.ctx.clock.cancel(handle);
    this.pending.clear();
  }

  /**
   * A job from a saved state (the emulator stopped and started again): it goes on from the
   * status it had, its current stage ending when it would have (at once if that is past).
   */
  restore(job: JobRecord): void {
    const left = Math.max(0, (job.stageEndsAtMs ?? Date.now()) - Date.now());
    const after = (next: () => void) => this.schedule(job, this.ctx.clock.providerMs(left), next);
    if (job.status === 'pending') after(() => this.queue(job));
    else if (job.status === 'queued') after(() => this.start(job));
    else if (job.status === 'running') {
      // Steps go on from where they were, at the same pace.
      const interval = this.ctx.clock.realMs(this.stepProviderMs(job));
      this.stepClock.set(job.id, Date.now() - job.stepsDone * interval);
      this.schedule(job, this.stepProviderMs(job), () => this.step(job));
    } else if (job.status === 'compressing') after(() => this.upload(job));
    else if (job.status === 'uploading') after(() => this.complete(job));
    else if (job.status === 'cancel_requested') after(() => this.cancelled(job));
  }

  /** Enters a status that lasts `providerMs` (for `started_at` and `progress`). */
  private enter(job: JobRecord, status: JobStatus, providerMs: number): void {
    const now = Date.now();
    job.status = status;
    job.stageStartedAtMs = now;
    job.stageEndsAtMs = now + this.ctx.clock.realMs(providerMs);
    job.updatedAtMs = now;
  }

  private stage(job: JobRecord, status: JobStatus, providerMs: number, next: () => void): void {
    this.enter(job, status, providerMs);
    this.schedule(job, providerMs, next);
  }

  private schedule(job: JobRecord, providerMs: number, fn: () => void): void {
    this.clear(job);
    this.pending.set(job.id, this.ctx.clock.after(providerMs, fn));
  }

  private clear(job: JobRecord): void {
    this.ctx.clock.cancel(this.pending.get(job.id));
    this.pending.delete(job.id);
  }

  private queue(job: JobRecord): void {
    job.queueDepth = [...this.ctx.jobs.values()].filter(
      (j) => j.status === 'queued' && j.seq < job.seq,
    ).length;
    addEvent(job, 'job_pending', `Job queued; ${job.queueDepth} job(s) ahead`);
    this.stage(job, 'queued', this.ctx.durations.queuedMs, () => this.start(job));
  }

  private start(job: JobRecord): void {
    const fails =
      this.ctx.failTraining?.({ model: job.request.model, suffix: job.request.suffix }) ?? false;
    job.queueDepth = 0;
    job.plan = planTraining({
      examples: job.trainingLines,
      tokens: job.tokensPerEpoch,
      epochs: job.request.nEpochs,
      totalSteps: this.ctx.steps,
      hasValidation: job.request.validationFile !== null,
      failsInTraining: fails,
    });
    // The models answer from the job's data (read now, while the files surely exist).
    this.ctx.knowledge.learn({
      id: job.id,
      trainingFile: job.request.trainingFile,
      validationFile: job.request.validationFile,
    });
    const base = job.request.model;
    addEvent(job, 'job_start', 'Job started');
    addEvent(job, 'model_downloading', `Downloading model ${base}`);
    addEvent(job, 'model_download_complete', `Model ${base} downloaded`);
    addEvent(job, 'training_data_downloading', 'Downloading training data');
    addEvent(
      job,
      'training_data_download_complete',
      `Training data downloaded: ${job.trainingLines} examples`,
    );
    if (job.request.validationFile) {
      addEvent(job, 'validation_data_downloading', 'Downloading validation data');
      addEvent(job, 'validation_data_download_complete', 'Validation data downloaded');
    }
    if (job.request.wandb) {
      job.request.wandb.url = `https://wandb.ai/${this.ctx.identity.projectSlug}/${job.request.wandb.projectName}/runs/${job.id}`;
      addEvent(job, 'wandb_init', `Weights & Biases run: ${job.request.wandb.url}`);
    }
    addEvent(
      job,
      'training_start',
      `Training started: ${job.plan.totalSteps} steps, ${job.request.nEpochs} epoch(s)`,
    );
    // Running has no single timer: each step schedules the next.
    this.enter(job, 'running', this.ctx.durations.runningMs);
    this.stepClock.set(job.id, Date.now());
    this.schedule(job, this.stepProviderMs(job), () => this.step(job));
  }

  private stepProviderMs(job: JobRecord): number {
    return this.ctx.durations.runningMs / (job.plan?.totalSteps ?? 1);
  }

  /** Advances every step due by now (at least one), then waits for the next on the clock. */
  private step(job: JobRecord): void {
    const interval = this.ctx.clock.realMs(this.stepProviderMs(job));
    const origin = this.stepClock.get(job.id) ?? Date.now();
    const due = Math.floor((Date.now() - origin) / interval);
    const target = Math.min(job.plan!.totalSteps, Math.max(job.stepsDone + 1, due));
    while (job.stepsDone < target) {
      if (!this.advance(job)) return;
    }
    const nextAt = origin + (job.stepsDone + 1) * interval;
    this.clear(job);
    this.pending.set(
      job.id,
      this.ctx.timers.after(Math.max(1, nextAt - Date.now()), () => this.step(job)),
    );
  }

  /** One training step; false once training is over (or failed). */
  private advance(job: JobRecord): boolean {
    const plan = job.plan!;
    const step = ++job.stepsDone;
    const now = Date.now();
    job.metrics.push({ loggedAtMs: now, step, kind: 'train', values: trainRow(job, step) });
    if (job.request.nEvals > 0 && spreadSteps(plan.totalSteps, job.request.nEvals).includes(step)) {
      job.metrics.push({ loggedAtMs: now, step, kind: 'eval', values: evalRow(job, step) });
    }
    const epoch = plan.epochEndSteps.indexOf(step);
    if (epoch >= 0)
      addEvent(
        job,
        'epoch_complete',
        `Epoch ${epoch + 1}/${plan.epochs} completed at step ${step}`,
        { step },
      );
    const checkpoints = spreadSteps(plan.totalSteps, job.request.nCheckpoints);
    if (step < plan.totalSteps && checkpoints.includes(step))
      this.checkpoint(job, step, 'Intermediate');
    if (plan.failAtStep === step) {
      this.charge(job, step);
      addEvent(
        job,
        'job_error',
        `Training failed at step ${step}: the worker ran out of GPU memory. Lower batch_size or max_seq_length and start a new job.`,
        { level: 'error', step },
      );
      this.finish(job, 'error');
      return false;
    }
    if (step >= plan.totalSteps) {
      addEvent(job, 'training_complete', 'Training completed', { step });
      this.compress(job);
      return false;
    }
    return true;
  }

  private checkpoint(job: JobRecord, step: number, type: CheckpointRecord['type']): void {
    const path = type === 'Final' ? job.outputPath : `${job.outputPath}/checkpoints/step-${step}`;
    const lora = job.request.trainingType.type === 'Lora';
    const merged =
      !lora || this.ctx.catalog.get(job.request.model)?.fineTune?.mergeOutputLora === true;
    const artifacts: CheckpointRecord['artifact'][] =
      type === 'Final'
        ? [...(merged ? ['model' as const] : []), ...(lora ? ['adapter' as const] : [])]
        : [lora ? 'adapter' : 'model'];
    for (const artifact of artifacts) {
      const final =
        type === 'Final' ? (artifact === 'adapter' ? job.adapterObject : job.modelObject) : null;
      job.checkpoints.push({
        step,
        createdAtMs: Date.now(),
        path,
        type,
        artifact,
        objectId: final?.id ?? this.ctx.ids.v2('ml'),
        objectName:
          final?.name ??
          `${job.modelObject.name}-step-${step}${artifact === 'adapter' ? '-adapter' : ''}`,
        revisionId: final?.revisionId ?? this.ctx.ids.v2('rv'),
      });
    }
    addEvent(job, 'checkpoint_save', `${type} checkpoint saved at step ${step}`, {
      step,
      checkpointPath: path,
    });
  }

  private compress(job: JobRecord): void {
    addEvent(job, 'model_compressing', 'Compressing the model');
    this.stage(job, 'compressing', this.ctx.durations.compressingMs, () => this.upload(job));
  }

  private upload(job: JobRecord): void {
    addEvent(job, 'model_compression_complete', 'Model compressed');
    addEvent(job, 'model_uploading', 'Uploading the model');
    this.stage(job, 'uploading', this.ctx.durations.uploadingMs, () => this.complete(job));
  }

  private complete(job: JobRecord): void {
    addEvent(job, 'model_upload_complete', 'Model uploaded', { modelPath: job.outputPath });
    this.checkpoint(job, job.plan!.totalSteps, 'Final');
    this.charge(job, job.plan!.totalSteps, true);
    addEvent(job, 'job_complete', `Fine-tuning complete: ${job.outputName}`, {
      modelPath: job.outputPath,
    });
    this.finish(job, 'completed');
  }

  /** `total_price` in nano-dollars for the steps trained (and, when done, the evaluations). */
  private charge(job: JobRecord, steps: number, withEvals = false): void {
    const base = this.ctx.catalog.get(job.request.model);
    if (!base || !job.plan) return;
    const perToken =
      pricePerMillionTokens(
        base,
        job.request.trainingMethod.method,
        job.request.trainingType.type,
      ) / 1e6;
    const trained = (job.tokensPerEpoch * job.request.nEpochs * steps) / job.plan.totalSteps;
    const evals = withEvals ? job.evalTokens * job.request.nEvals : 0;
    job.totalPriceNano = Math.round((trained + evals) * perToken * 1e9);
  }

  private finish(job: JobRecord, status: 'completed' | 'error' | 'cancelled'): void {
    this.clear(job);
    this.stepClock.delete(job.id);
    const now = Date.now();
    job.status = status;
    job.stageStartedAtMs = now;
    job.stageEndsAtMs = null;
    job.updatedAtMs = now;
  }
}
