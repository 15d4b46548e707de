import type { AzureJobInfo, Flavor } from '../flavor.js';
import { registerArmRoutes } from './armRoutes.js';
import { armAuth, dataPlaneAuth } from './auth.js';
import { AzureCatalog } from './catalog.js';
import { deploymentChatModel } from './chat.js';
import { DeploymentStore, type DeploymentRecord } from './deployments.js';
import { deploymentEmbeddingModel } from './embeddings.js';
import {
  apiVersionNotAllowed,
  azureError,
  azureErrorBody,
  azureRateLimited,
  azureServerError,
  resourceNotFound,
} from './errors.js';
import { AzureIdFactory, azureRequestId } from './ids.js';
import { azureJobRules } from './jobRules.js';
import { resolveAzureOptions, type AzureOptions } from './options.js';
import { azureFileView } from './views.js';
import { registerWebhookEndpointRoutes, WebhookEndpointStore } from './webhookEndpoints.js';

const PREFIX = '/openai/v1';
const isArm = (path: string): boolean => path.startsWith('/subscriptions/');
/** spec-v1 `AzureAIFoundryModelsApiVersion`: optional, `v1` (default) or `preview`. */
const DATA_PLANE_API_VERSIONS = new Set(['v1', 'preview']);
/** spec-v1 `AzureCreateFileRequestMultiPart.purpose`. */
const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'evals'];

/**
 * Azure OpenAI's v1 data plane (`/openai/v1`, `api-key` or bearer auth, `apim-request-id`,
 * `AzureErrorResponse`, Azure's ids and job rules, deployments as chat `model`) and, on the same
 * server, the ARM management plane (`/subscriptions/…`) that creates those deployments.
 */
export function azureFlavor(apiKey: string | undefined, raw: AzureOptions | undefined): Flavor {
  const options = resolveAzureOptions(raw);
  const catalog = new AzureCatalog(options.models);
  const deployments = new DeploymentStore(options.deployments);
  const endpoints = new WebhookEndpointStore();
  const jobInfo = new Map<string, AzureJobInfo>();

  return {
    name: 'azure',
    prefix: PREFIX,
    uploadsEnabled: options.uploads,
    newIds: (random) => new AzureIdFactory(random),
    requestId: azureRequestId,
    answerHeaders: (id, path): Record<string, string> =>
      isArm(path)
        ? { 'apim-request-id': id, 'x-ms-request-id': id, 'x-ms-correlation-request-id': id }
        : { 'apim-request-id': id },
    timingHeader: undefined,
    isApiPath: (path) => path.startsWith(`${PREFIX}/`) || isArm(path),
    guard(req) {
      const version = req.query['api-version'];
      if (isArm(req.path)) {
        const denied = armAuth(req.headers, options.armToken, apiKey);
        if (denied) return denied;
        if (typeof version !== 'string' || version === '') {
          return azureError(
            400,
            'MissingApiVersionParameter',
            'The api-version query parameter (?api-version=) is required for all requests.',
          );
        }
        return undefined;
      }
      const denied = dataPlaneAuth(req.headers, apiKey, options.entraTokens);
      if (denied) return denied;
      if (
        version !== undefined &&
        !(typeof version === 'string' && DATA_PLANE_API_VERSIONS.has(version))
      ) {
        return apiVersionNotAllowed();
      }
      return undefined;
    },
    errorBody: azureErrorBody,
    errorHeaders: () => ({}),
    routeNotFound: () => resourceNotFound(),
    rateLimited: azureRateLimited,
    serverError: azureServerError,
    files: { purposes: FILE_PURPOSES, initialStatus: 'pending', view: azureFileView },
    jobs: azureJobRules(options, catalog, jobInfo),
    chatModel: (ctx, requested) =>
      deploymentChatModel(ctx, deployments, catalog, options.deployments.notReadyStatus, requested),
    embeddingModel: (_ctx, requested) =>
      deploymentEmbeddingModel(deployments, catalog, options.deployments.notReadyStatus, requested),
    webhookTargets: (type) => endpoints.targets(type),
    registerRoutes(app, ctx) {
      registerWebhookEndpointRoutes(app, ctx, endpoints);
      registerArmRoutes(app, ctx, deployments, catalog);
    },
    inspect: {
      azureJob: (id) => {
        const info = jobInfo.get(id);
        return info && { ...info };
      },
      deployments: () => deployments.all().map((d) => DeploymentStore.info(d)),
      webhookEndpoints: () => endpoints.info(),
      customModels: () => [],
    },
    // Webhook endpoints are not kept: they name the receiver of the run that registered them.
    state: {
      snapshot: () => ({ deployments: deployments.snapshot(), jobInfo }),
      restore(saved) {
        deployments.restore(saved.deployments as Map<string, DeploymentRecord>);
        for (const [id, info] of saved.jobInfo as Map<string, AzureJobInfo>) jobInfo.set(id, info);
      },
    },
  };
}
