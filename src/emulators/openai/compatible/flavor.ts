import { authError } from '../auth.js';
import { modelNotFound, resolveChatModel, fineTunedChatModel } from '../chatModels.js';
import { resolveEmbeddingModel } from '../embeddingModels.js';
import { ApiError, rateLimited, serverError } from '../errors.js';
import type { Flavor } from '../flavor.js';
import { IdFactory, requestId } from '../ids.js';
import { fineTunedModelName, resolveModel } from '../models.js';
import { resultsCsv } from '../resultsCsv.js';
import { fileView, jobView } from '../views.js';
import {
  CustomModelStore,
  registerCustomModelRoutes,
  type CustomModelRecord,
} from './customModels.js';
import { resolveCompatibleOptions, type CompatibleOptions } from './options.js';

const UPLOAD_PURPOSES = ['fine-tune', 'batch'];

/**
 * A host that serves OpenAI's files and fine-tuning API under `/v1` and Nebius Token Factory's
 * deployment call beside it (`/v0/models`). Where the host's behaviour is unknown it is the
 * pessimistic case: job metadata is dropped (not echoed, no filter), no Uploads API, no
 * webhooks, and a fine-tune answers chat only once deployed, under the deployed model's name.
 */
export function compatibleFlavor(
  apiKey: string | undefined,
  raw: CompatibleOptions | undefined,
): Flavor {
  const options = resolveCompatibleOptions(raw);
  const models = new CustomModelStore(options);
  return {
    name: 'openai-compatible',
    prefix: '/v1',
    uploadsEnabled: false,
    newIds: (random) => new IdFactory(random),
    requestId,
    answerHeaders: (id) => ({ 'x-request-id': id }),
    timingHeader: undefined,
    isApiPath: (path) => path.startsWith('/v1/') || path.startsWith('/v0/'),
    guard: (req) => {
      const header = req.headers.authorization;
      return authError(typeof header === 'string' ? header : undefined, apiKey);
    },
    errorBody: (err) => err.body(),
    errorHeaders: () => ({}),
    routeNotFound: (method, path) =>
      new ApiError(404, `Not Found (${method} ${path})`, 'not_found'),
    rateLimited,
    serverError,
    files: { purposes: UPLOAD_PURPOSES, initialStatus: 'uploaded', view: fileView },
    jobs: {
      initialStatus: 'validating_files',
      listOrder: 'newest-first',
      acceptsByteOrderMark: false,
      // Metadata is taken and forgotten: the profile must find its jobs without it.
      prepareCreate: (body) => {
        if (!body || typeof body !== 'object' || Array.isArray(body))
          return { body, record: () => undefined };
        const rest = { ...(body as Record<string, unknown>) };
        delete rest.metadata;
        return { body: rest, record: () => undefined };
      },
      resolveModel,
      listFilter: () => undefined,
      view: (job, ctx) => ({
        ...jobView(job, ctx.organizationId),
        metadata: null,
        ...(options.namesFineTunedModel ? {} : { fine_tuned_model: null }),
      }),
      modelNames: (job, ctx) => {
        const model = fineTunedModelName(
          job.model,
          ctx.organizationSlug,
          job.suffix,
          ctx.ids.modelTag(),
        );
        return { model, checkpoint: (step) => `${model}:ckpt-step-${step}` };
      },
      results: (history) => ({ filename: 'step_metrics.csv', csv: resultsCsv(history) }),
    },
    chatModel: (ctx, requested) => {
      const deployed = models.find(requested);
      if (deployed && deployed.name === requested) {
        if (models.status(deployed) !== 'active') throw modelNotFound(requested);
        const job = ctx.jobs.get(deployed.jobId);
        const trained = job?.fineTunedModel
          ? fineTunedChatModel(ctx, job.fineTunedModel)
          : undefined;
        if (!trained) throw modelNotFound(requested);
        return { ...trained, name: requested };
      }
      // A fine-tune is not callable by its job's model name: only once deployed.
      if (requested.startsWith('ft:')) throw modelNotFound(requested);
      return resolveChatModel(ctx, requested);
    },
    embeddingModel: (_ctx, requested) => resolveEmbeddingModel(requested),
    webhookTargets: () => [],
    registerRoutes: (app, ctx) => registerCustomModelRoutes(app, ctx, models, options),
    inspect: {
      azureJob: () => undefined,
      deployments: () => [],
      webhookEndpoints: () => [],
      customModels: () => models.all().map((m) => models.info(m)),
    },
    state: {
      snapshot: () => ({ customModels: models.snapshot() }),
      restore: (saved) => models.restore(saved.customModels as CustomModelRecord[] | undefined),
    },
  };
}
