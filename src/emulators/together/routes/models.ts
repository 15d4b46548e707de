import type { FastifyInstance } from 'fastify';
import { pricePerMillionTokens, type CatalogModel } from '../catalog.js';
import { unixSeconds } from '../clock.js';
import type { TogetherContext } from '../context.js';
import { badRequest, RawBodyError } from '../errors.js';

/** When the emulator's catalogue "appeared": a fixed date, so `created` is stable. */
const CATALOG_CREATED = unixSeconds(Date.parse('2025-01-15T00:00:00Z'));

/** Spec `ModelInfo`; serverless per-token prices are the emulator's guesses (dollars per 1M). */
function modelInfo(m: CatalogModel): Record<string, unknown> {
  const perMillion = m.params <= 16e9 ? 0.18 : m.params <= 100e9 ? 0.88 : 1.0;
  return {
    id: m.name,
    object: 'model',
    created: CATALOG_CREATED,
    type: 'chat',
    display_name: m.name.slice(m.name.lastIndexOf('/') + 1).replace(/-/g, ' '),
    organization: m.organization,
    context_length: m.contextLength,
    pricing: {
      hourly: 0,
      input: m.serverless ? perMillion : 0,
      output: m.serverless ? perMillion : 0,
      base: 0,
      finetune: m.fineTune ? pricePerMillionTokens(m, 'sft', 'Lora') : 0,
    },
  };
}

/** Spec `FineTuneModelLimits` plus the SDK's extra fields. */
function limitsView(m: CatalogModel): Record<string, unknown> {
  const l = m.fineTune!;
  return {
    model_name: m.name,
    max_num_epochs: l.maxEpochs,
    max_num_evals: l.maxEvals,
    max_num_checkpoints: l.maxCheckpoints,
    max_learning_rate: l.maxLearningRate,
    min_learning_rate: l.minLearningRate,
    supports_vision: l.supportsVision,
    supports_tools: l.supportsTools,
    supports_reasoning: l.supportsReasoning,
    supports_full_training: l.full !== undefined,
    merge_output_lora: l.mergeOutputLora,
    max_seq_length_sft: l.maxSeqLengthSft,
    max_seq_length_dpo: l.maxSeqLengthDpo,
    min_max_seq_length: 512,
    default_gradient_accumulation_steps: 1,
    lora_training: {
      max_batch_size: l.lora.maxBatch,
      max_batch_size_dpo: l.lora.maxBatchDpo,
      min_batch_size: l.lora.minBatch,
      max_rank: l.lora.maxRank,
      target_modules: l.lora.targetModules,
    },
    // LoRA-only models report zero full-training limits (SDK).
    full_training: l.full
      ? {
          max_batch_size: l.full.maxBatch,
          max_batch_size_dpo: l.full.maxBatchDpo,
          min_batch_size: l.full.minBatch,
        }
      : { max_batch_size: 0, max_batch_size_dpo: 0, min_batch_size: 0 },
  };
}

export function registerModelRoutes(app: FastifyInstance, ctx: TogetherContext): void {
  // A bare array, not `{data}` (spec `ModelInfoList`; the SDK types it so too).
  app.get<{ Querystring: { dedicated?: string } }>('/v1/models', (req) => {
    const dedicated = req.query.dedicated === 'true';
    return ctx.catalog
      .all()
      .filter((m) => !dedicated || m.hardware.length > 0)
      .map(modelInfo);
  });

  app.get('/v1/fine-tunes/models/supported', () => ({
    models: ctx.catalog.fineTunable().map((m) => m.name),
  }));

  // An unknown model answers 404 `{message}`, not the usual envelope (spec).
  app.get<{ Querystring: { model_name?: string } }>('/v1/fine-tunes/models/limits', (req) => {
    const name = req.query.model_name;
    if (!name) throw badRequest('model_name is required', 'model_name');
    const model = ctx.catalog.get(name);
    if (!model?.fineTune)
      throw new RawBodyError(404, {
        message: `Model ${name} not found or not supported for fine-tuning`,
      });
    return limitsView(model);
  });

  app.get('/v1/whoami', () => {
    const id = ctx.identity;
    return {
      api_key_id: id.apiKeyId,
      organization_id: id.organizationId,
      organization_name: id.organizationName,
      project_id: id.projectId,
      project_name: id.projectName,
      project_slug: id.projectSlug,
      user_id: id.userId,
    };
  });
}
