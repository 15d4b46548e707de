import { authError } from './auth.js';
import { resolveChatModel } from './chatModels.js';
import { resolveEmbeddingModel } from './embeddingModels.js';
import { ApiError, rateLimited, serverError } from './errors.js';
import type { Flavor } from './flavor.js';
import { IdFactory, requestId } from './ids.js';
import { metadataFilter } from './jobListFilter.js';
import { fineTunedModelName, resolveModel } from './models.js';
import { resultsCsv } from './resultsCsv.js';
import { registerModelRoutes } from './routes/models.js';
import { fileView, jobView } from './views.js';

const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];

/** OpenAI's API as the emulator has always served it: `/v1`, bearer keys, OpenAI's shapes. */
export function openaiFlavor(options: {
  apiKey: string | undefined;
  modelShutdownDates: Readonly<Record<string, string | null>>;
}): Flavor {
  return {
    name: 'openai',
    prefix: '/v1',
    uploadsEnabled: true,
    newIds: (random) => new IdFactory(random),
    requestId,
    answerHeaders: (id) => ({
      'x-request-id': id,
      'openai-version': '2020-10-01',
      'openai-organization': 'user-emulator',
      'openai-processing-ms': '0',
    }),
    timingHeader: 'openai-processing-ms',
    isApiPath: (path) => path.startsWith('/v1/'),
    guard: (req) => {
      const header = req.headers.authorization;
      return authError(typeof header === 'string' ? header : undefined, options.apiKey);
    },
    errorBody: (err) => err.body(),
    errorHeaders: () => ({}),
    routeNotFound: (method, path) =>
      new ApiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error'),
    rateLimited,
    serverError,
    files: { purposes: UPLOAD_PURPOSES, initialStatus: 'uploaded', view: fileView },
    jobs: {
      initialStatus: 'validating_files',
      listOrder: 'newest-first',
      acceptsByteOrderMark: false,
      prepareCreate: (body) => ({ body, record: () => undefined }),
      resolveModel,
      listFilter: metadataFilter,
      view: (job, ctx) => jobView(job, ctx.organizationId),
      modelNames: (job, ctx) => {
        // Two tags, drawn in this order: a seeded run names its models as it always did.
        const model = fineTunedModelName(
          job.model,
          ctx.organizationSlug,
          job.suffix,
          ctx.ids.modelTag(),
        );
        const tag = ctx.ids.modelTag();
        const stem = model.slice(0, model.lastIndexOf(':'));
        return { model, checkpoint: (step) => `${stem}:${tag}:ckpt-step-${step}` };
      },
      results: (history) => ({ filename: 'step_metrics.csv', csv: resultsCsv(history) }),
    },
    chatModel: resolveChatModel,
    embeddingModel: (_ctx, requested) => resolveEmbeddingModel(requested),
    webhookTargets: () => [],
    registerRoutes: (app, ctx) => registerModelRoutes(app, ctx, options.modelShutdownDates),
    inspect: {
      azureJob: () => undefined,
      deployments: () => [],
      webhookEndpoints: () => [],
      customModels: () => [],
    },
    // Nothing of its own: files, jobs and uploads are the emulator's.
    state: { snapshot: () => ({}), restore: () => undefined },
  };
}
