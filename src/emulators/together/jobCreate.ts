import type { TogetherContext } from './context.js';
import type { TogetherJobLifecycle } from './jobLifecycle.js';
import { parseJobRequest } from './jobRequest.js';
import type { JobRecord } from './records.js';

/** Registry names drop the namespace: `<project_slug>/<model name>` (SDK). */
const shortName = (model: string): string => model.slice(model.lastIndexOf('/') + 1);

/**
 * Creates a job from a checked request and starts its lifecycle. The output model name takes
 * the shape of the description's example and an observed one, `<namespace>/<base>-<suffix>-<tag>`
 * (three shapes are reported; clients must treat it as opaque).
 */
export function createJob(
  ctx: TogetherContext,
  lifecycle: TogetherJobLifecycle,
  body: unknown,
): JobRecord {
  const { request, base, training, validation } = parseJobRequest(ctx, body);
  const limits = base.fineTune!;
  const dpo = request.trainingMethod.method === 'dpo';
  const bounds = request.trainingType.type === 'Full' ? limits.full! : limits.lora;
  const tag = ctx.ids.tag();
  const stem = `${shortName(request.model)}${request.suffix ? `-${request.suffix}` : ''}-${tag}`;
  const id = ctx.ids.job();
  const now = Date.now();
  const lora = request.trainingType.type === 'Lora';
  const job: JobRecord = {
    id,
    seq: ctx.nextSeq(),
    request,
    status: 'pending',
    createdAtMs: now,
    updatedAtMs: now,
    stageStartedAtMs: now,
    stageEndsAtMs: null,
    seed: request.randomSeed ?? ctx.ids.seed(),
    userId: ctx.identity.userId,
    ownerAddress: ctx.identity.ownerAddress,
    paramCount: base.params,
    tokensPerEpoch: training.report?.tokens ?? 0,
    evalTokens: validation?.report?.tokens ?? 0,
    trainingLines: training.report?.nlines ?? 0,
    trainingBytes: training.bytes ?? 0,
    batchSize:
      request.batchSize === 'max'
        ? dpo
          ? bounds.maxBatchDpo
          : bounds.maxBatch
        : request.batchSize,
    plan: null,
    stepsDone: 0,
    events: [],
    metrics: [],
    checkpoints: [],
    queueDepth: 0,
    outputName: `${ctx.identity.namespace}/${stem}`,
    outputPath: `s3://together-finetune-outputs/${ctx.identity.namespace}/${id}/${stem}`,
    modelObject: {
      id: ctx.ids.v2('ml'),
      name: `${ctx.identity.projectSlug}/${stem}`,
      revisionId: ctx.ids.v2('rv'),
    },
    adapterObject: lora
      ? {
          id: ctx.ids.v2('ml'),
          name: `${ctx.identity.projectSlug}/${stem}-adapter`,
          revisionId: ctx.ids.v2('rv'),
        }
      : null,
    totalPriceNano: 0,
  };
  ctx.jobs.set(id, job);
  ctx.stats.jobsCreated++;
  lifecycle.begin(job);
  return job;
}
