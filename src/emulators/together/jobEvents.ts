import { createHash } from 'node:crypto';
import { isoNow } from './clock.js';
import type { EventLevel, EventRecord, JobRecord } from './records.js';

/** Records one job event (spec `FinetuneEventType` names); `hash` identifies it for de-duplication. */
export function addEvent(
  job: JobRecord,
  type: string,
  message: string,
  extra: { level?: EventLevel; step?: number; checkpointPath?: string; modelPath?: string } = {},
): void {
  const createdAtMs = Date.now();
  const hash = createHash('sha256')
    .update(`${job.id}\u0000${job.events.length}\u0000${type}\u0000${message}`)
    .digest('hex')
    .slice(0, 32);
  const event: EventRecord = {
    createdAtMs,
    level: extra.level ?? 'info',
    type,
    message,
    step: extra.step ?? job.stepsDone,
    checkpointPath: extra.checkpointPath ?? '',
    modelPath: extra.modelPath ?? '',
    hash,
  };
  job.events.push(event);
  job.updatedAtMs = createdAtMs;
}

/** Spec `FineTuneEvent`: every field present (the spec marks all but `level` required). */
export function eventView(job: JobRecord, e: EventRecord): Record<string, unknown> {
  return {
    object: 'fine-tune-event',
    created_at: isoNow(e.createdAtMs),
    level: e.level,
    message: e.message,
    type: e.type,
    param_count: job.paramCount,
    token_count: job.tokensPerEpoch * job.request.nEpochs,
    total_steps: job.plan?.totalSteps ?? 0,
    wandb_url: job.request.wandb?.url ?? '',
    step: e.step,
    checkpoint_path: e.checkpointPath,
    model_path: e.modelPath,
    training_offset: 0,
    hash: e.hash,
  };
}
