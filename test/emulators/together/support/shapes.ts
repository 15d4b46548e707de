import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapeCheck, type Schema, type ShapeCheck } from '../../openai/support/shapeCheck.js';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'fixtures',
  'openapi',
  'together-shapes.json',
);

/**
 * Narrow, documented allowances where Together's description (openapi 090263a, 2026-04) is out
 * of date or contradicts itself, and the facts sheet or the `together-ai` 0.52 SDK says how the
 * service answers. Everything else must match the description exactly, and more strictly:
 * no field the description (or, where noted, the SDK) does not name.
 */
export const ALLOWANCES = {
  /** Ids are `ft-<uuid>` (the spec's own parameter text, docs examples); `format: uuid` is wrong. */
  jobIdFormat: 'FinetuneResponse.id is not checked as a bare uuid',
  /** `type: boolean` beside `oneOf [boolean, "auto"]` contradicts its own default `"auto"`. */
  trainOnInputsAuto: 'TrainingMethodSFT.train_on_inputs may be "auto"',
  /** SDK 0.52 fields the description lacks (facts sheet §2.1, §4, §4.2, §4.3). */
  sdkFields:
    'FileResponse: processing_status, validation_report; FinetuneResponse: user_id, model_object_*, adapter_object_*; ' +
    'FineTuneCheckpoint: checkpoint, object_*; FineTuneModelLimits: max_num_checkpoints, max_seq_length_*, ' +
    'min_max_seq_length, supports_full_training, default_gradient_accumulation_steps; estimate: estimation_available, unavailable_reason',
  /** Stricter, not looser: without it a cosine schedule's args match both branches of the oneOf. */
  linearArgsClosed: 'LinearLRSchedulerArgs has no other properties',
} as const;

const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };

/** SDK `FileResponse.ValidationReport`. */
const VALIDATION_REPORT: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['valid'],
  properties: {
    valid: bool,
    dataset_format: str,
    dataset_has_message_weights: bool,
    dataset_has_parallel_tool_calls: bool,
    dataset_has_reasoning: bool,
    dataset_has_sample_weights: bool,
    dataset_has_tools: bool,
    dataset_is_multimodal: bool,
    error: str,
    error_type: { enum: ['INVALID_FORMAT'] },
    file_id: str,
    nlines: int,
  },
};

function loadShapes(): { $defs: Record<string, Schema> } {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { $defs: Record<string, Schema> };
  const defs = doc.$defs;
  const job = defs.FinetuneResponse!.properties!;
  delete (job.id as Schema).format;
  const sft = defs.TrainingMethodSFT!.properties!.train_on_inputs as Schema;
  delete sft.type;
  Object.assign(defs.FileResponse!.properties!, {
    processing_status: {
      enum: ['PENDING', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'INVALID_FORMAT'],
    },
    validation_report: VALIDATION_REPORT,
  });
  Object.assign(job, {
    user_id: str,
    model_object_id: str,
    model_object_name: str,
    model_object_revision_id: str,
    adapter_object_id: str,
    adapter_object_name: str,
    adapter_object_revision_id: str,
  });
  Object.assign(defs.FineTuneCheckpoint!.properties!, {
    checkpoint: { enum: ['model', 'adapter'] },
    object_id: str,
    object_name: str,
    object_revision_id: str,
  });
  Object.assign(defs.FineTuneModelLimits!.properties!, {
    max_num_checkpoints: int,
    max_seq_length_sft: int,
    max_seq_length_dpo: int,
    min_max_seq_length: int,
    supports_full_training: bool,
    default_gradient_accumulation_steps: int,
  });
  Object.assign(defs.EstimatePriceResponse!.properties!, {
    estimation_available: bool,
    unavailable_reason: {
      enum: [
        'multimodal_dataset',
        'train_file_not_validated',
        'eval_file_not_validated',
        'train_file_invalid',
        'eval_file_invalid',
      ],
    },
  });
  defs.LinearLRSchedulerArgs!.additionalProperties = false;
  // Stricter than the description on purpose: a misspelt or invented field fails the check.
  for (const name of [
    'ErrorData',
    'FileResponse',
    'FileList',
    'FileDeleteResponse',
    'FinetuneResponse',
    'FinetuneResponseTruncated',
    'FinetuneTruncatedList',
    'FineTuneEvent',
    'FinetuneListEvents',
    'FineTuneCheckpoint',
    'FinetuneListCheckpoints',
    'FinetuneDeleteResponse',
    'FineTuneModelLimits',
    'FineTuneProgress',
    'EstimatePriceResponse',
    'MetricsResponse',
    'SupportedModelsResponse',
    'ModelLimitsNotFound',
    'ModelInfo',
    'Pricing',
    'DedicatedEndpoint',
    'ListEndpoint',
    'EndpointList',
    'Autoscaling',
    'HardwareList',
    'HardwareWithStatus',
    'HardwareSpec',
    'EndpointPricing',
    'ChatCompletionResponse',
    'ChatCompletionMessage',
    'LoRATrainingType',
    'FullTrainingType',
    'TrainingMethodSFT',
    'TrainingMethodDPO',
  ]) {
    defs[name]!.type = 'object';
    defs[name]!.additionalProperties = false;
  }
  (defs.ErrorData!.properties!.error as Schema).additionalProperties = false;
  const choice = (defs.ChatCompletionChoicesData as { items: Schema }).items;
  choice.additionalProperties = false;
  return doc;
}

/**
 * The v2 API (`/v2/projects/…`) and `whoami` are not in the description copy (it predates
 * them): these schemas are written from the `together-ai` 0.52 types (`beta/endpoints`,
 * `top-level.ts`), required fields as the SDK marks them.
 */
const autoscaling: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    minReplicas: int,
    maxReplicas: int,
    scaleDownWindow: str,
    scaleToZeroWindow: str,
    scaleUpWindow: str,
  },
};
const DEPLOYMENT_STATES = [
  'DEPLOYMENT_STATE_PROVISIONING',
  'DEPLOYMENT_STATE_READY',
  'DEPLOYMENT_STATE_SCALING',
  'DEPLOYMENT_STATE_DEGRADED',
  'DEPLOYMENT_STATE_FAILED',
  'DEPLOYMENT_STATE_STOPPED',
  'DEPLOYMENT_STATE_STOPPING',
];
const SDK_DEFS: Record<string, Schema> = {
  WhoamiResponse: {
    type: 'object',
    additionalProperties: false,
    required: [
      'api_key_id',
      'organization_id',
      'organization_name',
      'project_id',
      'project_name',
      'project_slug',
    ],
    properties: {
      api_key_id: str,
      organization_id: str,
      organization_name: str,
      project_id: str,
      project_name: str,
      project_slug: str,
      user_id: str,
    },
  },
  EndpointDeployment: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'autoscaling',
      'config',
      'configId',
      'createdAt',
      'endpointId',
      'etag',
      'hardware',
      'model',
      'modelId',
      'modelRevisionId',
      'name',
      'projectId',
      'status',
      'trafficMode',
      'updatedAt',
    ],
    properties: {
      id: str,
      autoscaling,
      config: str,
      configId: str,
      createdAt: { type: 'string', format: 'date-time' },
      endpointId: str,
      etag: str,
      hardware: str,
      model: str,
      modelId: str,
      modelRevisionId: str,
      name: str,
      projectId: str,
      status: {
        type: 'object',
        additionalProperties: false,
        required: ['message', 'state'],
        properties: {
          message: str,
          state: { enum: DEPLOYMENT_STATES },
          readyReplicas: int,
          scheduledReplicas: int,
        },
      },
      trafficMode: { enum: ['TRAFFIC_MODE_LIVE', 'TRAFFIC_MODE_SHADOW'] },
      updatedAt: { type: 'string', format: 'date-time' },
      desiredReplicas: int,
      enableLora: bool,
      estimatedEffectiveTrafficShare: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  Endpoint: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'createdAt',
      'deployments',
      'endpointType',
      'etag',
      'name',
      'projectId',
      'trafficSplit',
      'updatedAt',
      'visibility',
    ],
    properties: {
      id: str,
      createdAt: { type: 'string', format: 'date-time' },
      deployments: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: [
            'id',
            'autoscaling',
            'createdAt',
            'estimatedEffectiveTrafficShare',
            'model',
            'modelId',
            'name',
            'state',
            'trafficMode',
          ],
          properties: {
            id: str,
            autoscaling,
            createdAt: str,
            estimatedEffectiveTrafficShare: { type: 'number' },
            model: str,
            modelId: str,
            name: str,
            state: { enum: DEPLOYMENT_STATES },
            trafficMode: { enum: ['TRAFFIC_MODE_LIVE', 'TRAFFIC_MODE_SHADOW'] },
            desiredReplicas: int,
            hardware: str,
            readyReplicas: int,
          },
        },
      },
      endpointType: {
        enum: ['ENDPOINT_TYPE_DEDICATED', 'ENDPOINT_TYPE_SERVERLESS', 'ENDPOINT_TYPE_RESERVED'],
      },
      etag: str,
      name: str,
      projectId: str,
      trafficSplit: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['deploymentId', 'weight'],
          properties: { deploymentId: str, weight: { type: 'number' } },
        },
      },
      updatedAt: { type: 'string', format: 'date-time' },
      visibility: { enum: ['VISIBILITY_PRIVATE', 'VISIBILITY_INTERNAL'] },
      activeRolloutId: str,
    },
  },
  InferenceInstanceType: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'description',
      'gpuCount',
      'gpuMemoryGib',
      'gpuType',
      'name',
      'priceCentsPerHour',
      'regions',
    ],
    properties: {
      id: str,
      description: str,
      gpuCount: int,
      gpuMemoryGib: { type: 'number' },
      gpuType: str,
      name: str,
      priceCentsPerHour: { type: 'number' },
      regions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: str,
            headroom: {
              type: 'object',
              additionalProperties: false,
              required: ['relation'],
              properties: { relation: { enum: ['RELATION_EQ', 'RELATION_GTE'] }, value: int },
            },
          },
        },
      },
    },
  },
  HardwareListResponse: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'object'],
    properties: {
      data: { type: 'array', items: { $ref: '#/$defs/InferenceInstanceType' } },
      object: { const: 'list' },
      next_cursor: str,
    },
  },
  Config: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'certifications',
      'projectId',
      'referenceModel',
      'referenceModelId',
      'selectors',
    ],
    properties: {
      id: str,
      certifications: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: [
            'certificationType',
            'certifiedAt',
            'certifiedBy',
            'model',
            'modelRevisionId',
            'target',
          ],
          properties: {
            certificationType: {
              enum: ['CERTIFICATION_TYPE_CERTIFIED', 'CERTIFICATION_TYPE_UNCERTIFIED'],
            },
            certifiedAt: str,
            certifiedBy: str,
            model: str,
            modelRevisionId: str,
            target: { enum: ['CERTIFICATION_TARGET_DE_SERVERLESS', 'CERTIFICATION_TARGET_MRE'] },
            draftModel: str,
            draftModelRevisionId: str,
            notes: str,
          },
        },
      },
      projectId: str,
      referenceModel: str,
      referenceModelId: str,
      selectors: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'value'],
          properties: { key: str, value: str },
        },
      },
      draftModel: str,
    },
  },
  /** SDK: "Empty response returned after a successful delete operation." */
  EmptyObject: { type: 'object', additionalProperties: false, maxProperties: 0 },
  /** Python SDK: a 409 on the presigned announce carries the existing `file_id`. */
  FileExists: { type: 'object', required: ['file_id'], properties: { file_id: str, message: str } },
};
for (const [page, item] of [
  ['EndpointPage', 'Endpoint'],
  ['DeploymentPage', 'EndpointDeployment'],
  ['ConfigPage', 'Config'],
]) {
  SDK_DEFS[page!] = {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'next_cursor'],
    properties: { data: { type: 'array', items: { $ref: `#/$defs/${item}` } }, next_cursor: str },
  };
}

let shared: ShapeCheck | undefined;

/** Problems of `value` against a named schema (empty when it conforms). */
export function violations(name: string, value: unknown): string[] {
  if (!shared) {
    const doc = loadShapes();
    Object.assign(doc.$defs, SDK_DEFS);
    shared = shapeCheck(doc);
  }
  return shared(name, value);
}

const ID = '[^/]+';
const P = '/v2/projects/[^/]+';
export const ROUTES: [method: string, path: RegExp, schema: string | null][] = [
  ['POST', /^\/v1\/files\/upload$/, 'FileResponse'],
  ['POST', /^\/v1\/files$/, null], // 302, no body
  ['PUT', /^\/_presigned\/files\/[^/]+$/, null], // the object store's empty 200
  ['GET', /^\/v1\/files$/, 'FileList'],
  ['GET', new RegExp(`^/v1/files/${ID}$`), 'FileResponse'],
  ['POST', new RegExp(`^/v1/files/${ID}/preprocess$`), 'FileResponse'],
  ['DELETE', new RegExp(`^/v1/files/${ID}$`), 'FileDeleteResponse'],
  ['GET', new RegExp(`^/v1/files/${ID}/content$`), null], // raw bytes
  ['POST', /^\/v1\/fine-tunes$/, 'FinetuneResponseTruncated'],
  ['GET', /^\/v1\/fine-tunes$/, 'FinetuneTruncatedList'],
  ['POST', /^\/v1\/fine-tunes\/estimate-price$/, 'EstimatePriceResponse'],
  ['GET', /^\/v1\/fine-tunes\/models\/supported$/, 'SupportedModelsResponse'],
  ['GET', /^\/v1\/fine-tunes\/models\/limits$/, 'FineTuneModelLimits'],
  ['GET', new RegExp(`^/v1/fine-tunes/${ID}$`), 'FinetuneResponse'],
  ['POST', new RegExp(`^/v1/fine-tunes/${ID}/cancel$`), 'FinetuneResponseTruncated'],
  ['DELETE', new RegExp(`^/v1/fine-tunes/${ID}$`), 'FinetuneDeleteResponse'],
  ['GET', new RegExp(`^/v1/fine-tunes/${ID}/events$`), 'FinetuneListEvents'],
  ['GET', new RegExp(`^/v1/fine-tunes/${ID}/checkpoints$`), 'FinetuneListCheckpoints'],
  ['GET', new RegExp(`^/v1/fine-tunes/${ID}/metrics$`), 'MetricsResponse'],
  ['GET', /^\/v1\/models$/, 'ModelInfoList'],
  ['GET', /^\/v1\/whoami$/, 'WhoamiResponse'],
  ['POST', /^\/v1\/chat\/completions$/, 'ChatCompletionResponse'],
  ['GET', /^\/v1\/endpoints$/, 'EndpointList'],
  ['POST', /^\/v1\/endpoints$/, 'DedicatedEndpoint'],
  ['GET', new RegExp(`^/v1/endpoints/${ID}$`), 'DedicatedEndpoint'],
  ['PATCH', new RegExp(`^/v1/endpoints/${ID}$`), 'DedicatedEndpoint'],
  ['DELETE', new RegExp(`^/v1/endpoints/${ID}$`), null], // 204
  ['GET', /^\/v1\/hardware$/, 'HardwareList'],
  ['GET', /^\/v2\/public\/inference-instance-types$/, 'HardwareListResponse'],
  ['GET', new RegExp(`^/v2/public/inference-instance-types/${ID}$`), 'InferenceInstanceType'],
  ['POST', new RegExp(`^${P}/endpoints$`), 'Endpoint'],
  ['GET', new RegExp(`^${P}/endpoints$`), 'EndpointPage'],
  ['GET', new RegExp(`^${P}/endpoints/${ID}$`), 'Endpoint'],
  ['PATCH', new RegExp(`^${P}/endpoints/${ID}$`), 'Endpoint'],
  ['DELETE', new RegExp(`^${P}/endpoints/${ID}$`), 'EmptyObject'],
  ['POST', new RegExp(`^${P}/endpoints/${ID}/deployments$`), 'EndpointDeployment'],
  ['GET', new RegExp(`^${P}/endpoints/${ID}/deployments$`), 'DeploymentPage'],
  ['GET', new RegExp(`^${P}/endpoints/${ID}/deployments/${ID}$`), 'EndpointDeployment'],
  ['PATCH', new RegExp(`^${P}/endpoints/${ID}/deployments/${ID}$`), 'EndpointDeployment'],
  ['DELETE', new RegExp(`^${P}/endpoints/${ID}/deployments/${ID}$`), 'EmptyObject'],
  ['GET', new RegExp(`^${P}/configs$`), 'ConfigPage'],
  ['GET', new RegExp(`^${P}/configs/${ID}$`), 'Config'],
];

/** The schema an answer must match; null where there is none (302, 204, raw bytes). */
export function schemaFor(method: string, path: string, status: number): string | null | undefined {
  if (path.startsWith('/_presigned/')) return null; // the object store's own answers (XML errors)
  if (status === 404 && path === '/v1/fine-tunes/models/limits') return 'ModelLimitsNotFound';
  if (status === 409 && method === 'POST' && path === '/v1/files') return 'FileExists';
  if (status >= 400) return 'ErrorData';
  return ROUTES.find(([m, p]) => m === method && p.test(path))?.[2];
}

/** Routes (of those whose path matches `scope`) that no successful answer in `seen` came from. */
export function uncoveredRoutes(
  seen: { method: string; path: string; status: number }[],
  scope: RegExp,
): string[] {
  return ROUTES.filter(([, p]) => scope.test(p.source))
    .filter(([m, p]) => !seen.some((r) => r.status < 400 && r.method === m && p.test(r.path)))
    .map(([m, p]) => `${m} ${p.source}`);
}
