import type { FileRecord, JobRecord } from '../records.js';
import { fileView, jobView } from '../views.js';

function without<T extends object>(value: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))) as Partial<T>;
}

/**
 * `AzureOpenAIFile`: OpenAI's fields, but `expires_at` and `status_details` are left out when
 * there is nothing to say (the spec types them as integer and string, not nullable).
 */
export function azureFileView(f: FileRecord) {
  const view = fileView(f);
  const empty = (['expires_at', 'status_details'] as const).filter((k) => view[k] === null);
  return without(view, empty);
}

/**
 * `OpenAI.FineTuningJob` as Azure shows it: no OpenAI-only fields (`usage_metrics`,
 * `shared_with_openai`), `error: null` on a healthy job (the spec's nullable object), and while
 * `pending` `organization_id` and `result_files` null (observed, litellm). `trainingType` is not
 * shown: the spec does not list it. With `echoMetadata: false`, `metadata` is null.
 */
export function azureJobView(j: JobRecord, organizationId: string, echoMetadata: boolean) {
  const view = without(jobView(j, organizationId), ['usage_metrics', 'shared_with_openai']);
  const pending = j.status === 'pending';
  return {
    ...view,
    organization_id: pending ? null : organizationId,
    result_files: pending ? null : [...j.resultFiles],
    error: j.error ? { ...j.error } : null,
    metadata: echoMetadata ? j.metadata : null,
  };
}
