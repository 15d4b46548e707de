import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceProfile } from './recorder.js';
import { shapeCheck, type Schema, type ShapeCheck } from './shapeCheck.js';
import { violations as openaiViolations } from './shapes.js';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'fixtures',
  'openapi',
  'azure-fine-tuning-shapes.json',
);

/**
 * Narrow, documented allowances for what Azure is observed to send (facts sheet §3.3) but
 * spec-v1 does not describe, plus one emulator guess. Everything else must match exactly.
 */
export const AZURE_ALLOWANCES = {
  /** litellm and azd-ft: a new job reads `pending` before `validating_files`. */
  pendingStatus: 'OpenAI.FineTuningJob.status may be "pending"',
  /** azd-ft maps pausing / paused / resuming; the emulator sends `paused` (wire value unverified). */
  pauseStatuses: 'OpenAI.FineTuningJob.status may be "pausing", "paused" or "resuming"',
  /** litellm: the pending job carries `organization_id: null` and `result_files: null`. */
  pendingNulls: 'OpenAI.FineTuningJob.organization_id and result_files may be null',
  /** Emulator guess (not observed on Azure): an empty file list has no first or last item. */
  emptyListIds: 'AzureListFilesResponse.first_id/last_id may be null when data is empty',
} as const;

const nullable = (schema: unknown) => ({ anyOf: [schema, { type: 'null' }] });

/** Schemas the Azure answers share with OpenAI's spec (spec-v1's copy has none for them). */
const OPENAI_SCHEMAS = new Set(['CreateChatCompletionResponse', 'CreateEmbeddingResponse']);

function loadAzureShapes(): { $defs: Record<string, Schema> } {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { $defs: Record<string, Schema> };
  const defs = doc.$defs;
  const job = defs['OpenAI.FineTuningJob']!.properties!;
  const status = job.status as { enum: string[] };
  status.enum = [...status.enum, 'pending', 'pausing', 'paused', 'resuming'];
  job.organization_id = nullable(job.organization_id);
  job.result_files = nullable(job.result_files);
  const list = defs.AzureListFilesResponse!.properties!;
  list.first_id = nullable(list.first_id);
  list.last_id = nullable(list.last_id);
  // Stricter than the spec on purpose: a misspelt or invented field fails the check.
  for (const name of [
    'AzureOpenAIFile',
    'AzureListFilesResponse',
    'OpenAI.DeleteFileResponse',
    'OpenAI.FineTuningJob',
    'OpenAI.ListPaginatedFineTuningJobsResponse',
    'OpenAI.FineTuningJobEvent',
    'OpenAI.ListFineTuningJobEventsResponse',
    'OpenAI.FineTuningJobCheckpoint',
    'OpenAI.ListFineTuningJobCheckpointsResponse',
    'AzureErrorResponse',
  ]) {
    defs[name]!.type = 'object';
    defs[name]!.additionalProperties = false;
  }
  const error = defs.AzureErrorResponse!.properties!.error as Schema;
  error.additionalProperties = false;
  error.required = ['code', 'message']; // every Azure error names a code (observed bodies do)
  const metrics = defs['OpenAI.FineTuningJobCheckpoint']!.properties!.metrics as Schema;
  metrics.additionalProperties = false;
  return doc;
}

let shared: ShapeCheck | undefined;

/** Problems of `value` against an Azure schema (or, for chat, OpenAI's). */
export function azureViolations(name: string, value: unknown): string[] {
  if (OPENAI_SCHEMAS.has(name)) return openaiViolations(name, value);
  shared ??= shapeCheck(loadAzureShapes());
  return shared(name, value);
}

const ID = '[^/]+';
const V1 = '/openai/v1';
const ROUTES: [method: string, path: RegExp, schema: string | null][] = [
  ['POST', new RegExp(`^${V1}/files$`), 'AzureOpenAIFile'],
  ['GET', new RegExp(`^${V1}/files$`), 'AzureListFilesResponse'],
  ['GET', new RegExp(`^${V1}/files/${ID}$`), 'AzureOpenAIFile'],
  ['DELETE', new RegExp(`^${V1}/files/${ID}$`), 'OpenAI.DeleteFileResponse'],
  ['GET', new RegExp(`^${V1}/files/${ID}/content$`), null], // raw bytes
  ['POST', new RegExp(`^${V1}/fine_tuning/jobs$`), 'OpenAI.FineTuningJob'],
  ['GET', new RegExp(`^${V1}/fine_tuning/jobs$`), 'OpenAI.ListPaginatedFineTuningJobsResponse'],
  ['GET', new RegExp(`^${V1}/fine_tuning/jobs/${ID}$`), 'OpenAI.FineTuningJob'],
  [
    'POST',
    new RegExp(`^${V1}/fine_tuning/jobs/${ID}/(cancel|pause|resume)$`),
    'OpenAI.FineTuningJob',
  ],
  [
    'GET',
    new RegExp(`^${V1}/fine_tuning/jobs/${ID}/events$`),
    'OpenAI.ListFineTuningJobEventsResponse',
  ],
  [
    'GET',
    new RegExp(`^${V1}/fine_tuning/jobs/${ID}/checkpoints$`),
    'OpenAI.ListFineTuningJobCheckpointsResponse',
  ],
  ['POST', new RegExp(`^${V1}/chat/completions$`), 'CreateChatCompletionResponse'],
  ['POST', new RegExp(`^${V1}/embeddings$`), 'CreateEmbeddingResponse'],
  // Not in spec-v1: checked by hand in azure.webhooks / uploads tests.
  ['POST', new RegExp(`^${V1}/uploads(/.*)?$`), null],
  ['GET', new RegExp(`^${V1}/dashboard/webhook_endpoints(/${ID})?$`), null],
  ['POST', new RegExp(`^${V1}/dashboard/webhook_endpoints(/${ID})?$`), null],
  ['DELETE', new RegExp(`^${V1}/dashboard/webhook_endpoints/${ID}$`), null],
];

/** The schema an Azure answer must match; null where no schema exists (raw content). */
export function azureSchemaFor(
  method: string,
  path: string,
  status: number,
): string | null | undefined {
  if (status >= 400) return 'AzureErrorResponse';
  return ROUTES.find(([m, p]) => m === method && p.test(path))?.[2];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const AZURE_PROFILE: ConformanceProfile = {
  requestIdHeader: 'apim-request-id',
  requestIdOk: (id) => GUID.test(id),
  schemaFor: azureSchemaFor,
  violations: azureViolations,
};
