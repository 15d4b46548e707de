import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDING_SCHEMAS, embeddingViolations } from './embeddingShapes.js';
import { shapeCheck, type Schema, type ShapeCheck } from './shapeCheck.js';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'fixtures',
  'openapi',
  'fine-tuning-shapes.json',
);

/**
 * Narrow, documented allowances for what the real service is observed to send but the spec
 * (openai-openapi f85dbe2) does not describe. Everything else must match the spec exactly.
 */
export const ALLOWANCES = {
  /** `paused` after pause: the spec's own pause example returns it, but the enum lacks it. */
  pausedStatus: 'FineTuningJob.status may be "paused"',
  /** Healthy jobs carry `error: {}` (2026 guide) instead of null; only failed jobs have a code. */
  emptyJobError: 'FineTuningJob.error may be exactly {}',
  /** Fields observed on real jobs that the spec does not list. */
  observedJobFields:
    'FineTuningJob may also have user_provided_suffix, usage_metrics, shared_with_openai, eval_id',
  /** Observed `null` where the spec types an integer/string (file never expires / no details). */
  nullableFileFields: 'OpenAIFile.expires_at and status_details may be null',
  /** An empty file list has no first or last item. */
  emptyListIds: 'ListFilesResponse.first_id/last_id may be null when data is empty',
} as const;

const OBSERVED_JOB_FIELDS = {
  user_provided_suffix: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  usage_metrics: { type: 'null' },
  shared_with_openai: { type: 'boolean' },
  eval_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
};

const nullable = (schema: unknown) => ({ anyOf: [schema, { type: 'null' }] });

/** The spec's schemas, with the allowances applied and unknown properties forbidden. */
function loadShapes(): { $defs: Record<string, Schema> } & Record<string, unknown> {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { $defs: Record<string, Schema> };
  const defs = doc.$defs;
  const job = defs.FineTuningJob!;
  const props = job.properties!;
  const status = props.status as { enum: string[] };
  status.enum = [...status.enum, 'paused'];
  props.error = { anyOf: [props.error, { type: 'object', maxProperties: 0 }] };
  Object.assign(props, OBSERVED_JOB_FIELDS);
  const file = defs.OpenAIFile!.properties!;
  file.expires_at = nullable(file.expires_at);
  file.status_details = nullable(file.status_details);
  const list = defs.ListFilesResponse!.properties!;
  list.first_id = nullable(list.first_id);
  list.last_id = nullable(list.last_id);
  // Stricter than the spec on purpose: a misspelt or invented field fails the check.
  for (const name of [
    'OpenAIFile',
    'ListFilesResponse',
    'DeleteFileResponse',
    'Upload',
    'UploadPart',
    'FineTuningJob',
    'ListPaginatedFineTuningJobsResponse',
    'FineTuningJobEvent',
    'ListFineTuningJobEventsResponse',
    'FineTuningJobCheckpoint',
    'ListFineTuningJobCheckpointsResponse',
    'ErrorResponse',
    'Error',
    'CreateChatCompletionResponse',
    'ChatCompletionResponseMessage',
    'CompletionUsage',
    'Model',
    'ListModelsResponse',
  ]) {
    defs[name]!.type = 'object'; // the spec leaves it out on some (then null would pass)
    defs[name]!.additionalProperties = false;
  }
  // The chat completion's inline objects (a choice, the usage breakdowns) are strict too.
  const chat = defs.CreateChatCompletionResponse!.properties!;
  const usage = defs.CompletionUsage!.properties!;
  for (const inline of [
    (chat.choices as { items: Schema }).items,
    usage.prompt_tokens_details as Schema,
    usage.completion_tokens_details as Schema,
  ]) {
    inline.additionalProperties = false;
  }
  return doc;
}

let shared: ShapeCheck | undefined;

/** Problems of `value` against component schema `name` (empty when it conforms). */
export function violations(name: string, value: unknown): string[] {
  if (EMBEDDING_SCHEMAS.has(name)) return embeddingViolations(name, value);
  shared ??= shapeCheck(loadShapes());
  return shared(name, value);
}

const ID = '[^/]+';
const ROUTES: [method: string, path: RegExp, schema: string | null][] = [
  ['POST', /^\/v1\/files$/, 'OpenAIFile'],
  ['GET', /^\/v1\/files$/, 'ListFilesResponse'],
  ['GET', new RegExp(`^/v1/files/${ID}$`), 'OpenAIFile'],
  ['DELETE', new RegExp(`^/v1/files/${ID}$`), 'DeleteFileResponse'],
  ['GET', new RegExp(`^/v1/files/${ID}/content$`), null], // raw bytes, no schema
  ['POST', /^\/v1\/uploads$/, 'Upload'],
  ['POST', new RegExp(`^/v1/uploads/${ID}/parts$`), 'UploadPart'],
  ['POST', new RegExp(`^/v1/uploads/${ID}/(complete|cancel)$`), 'Upload'],
  ['POST', /^\/v1\/fine_tuning\/jobs$/, 'FineTuningJob'],
  ['GET', /^\/v1\/fine_tuning\/jobs$/, 'ListPaginatedFineTuningJobsResponse'],
  ['GET', new RegExp(`^/v1/fine_tuning/jobs/${ID}$`), 'FineTuningJob'],
  ['POST', new RegExp(`^/v1/fine_tuning/jobs/${ID}/(cancel|pause|resume)$`), 'FineTuningJob'],
  ['GET', new RegExp(`^/v1/fine_tuning/jobs/${ID}/events$`), 'ListFineTuningJobEventsResponse'],
  [
    'GET',
    new RegExp(`^/v1/fine_tuning/jobs/${ID}/checkpoints$`),
    'ListFineTuningJobCheckpointsResponse',
  ],
  ['POST', /^\/v1\/chat\/completions$/, 'CreateChatCompletionResponse'],
  ['POST', /^\/v1\/embeddings$/, 'CreateEmbeddingResponse'],
  ['GET', /^\/v1\/models$/, 'ListModelsResponse'],
  ['GET', new RegExp(`^/v1/models/${ID}$`), 'Model'],
];

/** The schema an answer to `method path` with `status` must match; null for raw content. */
export function schemaFor(method: string, path: string, status: number): string | null | undefined {
  if (status >= 400) return 'ErrorResponse';
  return ROUTES.find(([m, p]) => m === method && p.test(path))?.[2];
}
