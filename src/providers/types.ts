import type OpenAI from 'openai';
import type { RunwayReport, ServingRecord } from '../shared/providerTypes.js';

export type ProviderName = 'openai' | 'azure';

/** Rules a fine-tuned model's suffix must follow at this provider (checked before any upload). */
export interface SuffixRule {
  maxLength: number;
  pattern: RegExp;
  describe: string;
}

/** What an Azure-style answer lost on the way back can be matched by, besides metadata. */
export interface JobMatch {
  workflowId: string;
  runId: string;
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  /** Unix seconds: jobs created before the first attempt began are not ours. */
  notBefore?: number;
}

/**
 * One fine-tuning provider. Everything a provider does differently lives behind this interface;
 * the workflows and the W&B code only see provider-neutral activities. Both providers speak the
 * same API through the `openai` package, so `client` serves files, jobs, events and results.
 */
export interface FineTuneProvider {
  readonly name: ProviderName;
  /** For messages: "OpenAI", "Azure OpenAI". */
  readonly label: string;
  readonly client: OpenAI;
  readonly suffix: SuffixRule;
  /** Whether `GET /fine_tuning/jobs?metadata[k]=v` filters on the server. */
  readonly filtersJobsByMetadata: boolean;
  /** Whether the Uploads API (large files in parts) is served. */
  readonly uploadsApi: 'yes' | 'try' | 'no';
  /** Largest file one `files.create` takes. */
  readonly maxFileBytes: number;
  /** Extra top-level keys of the job-creation body (Azure: `trainingType`). */
  jobCreateExtras(): Record<string, unknown>;
  /** Can this base model still be trained, and until when does it (and its fine-tunes) serve? */
  checkRunway(model: string, nowMs: number, signal?: AbortSignal): Promise<RunwayReport>;
  /**
   * Makes a model callable and returns what a caller passes as `model`. OpenAI: the model id as
   * is. Azure: a deployment (created and probed until it answers).
   */
  serve(request: ServeRequest, heartbeat: () => void, signal?: AbortSignal): Promise<ServingRecord>;
  /** Removes what `serve` made (a deployment); a no-op where nothing was made. */
  unserve(record: ServingRecord, signal?: AbortSignal): Promise<void>;
  /** What to pass as `model` to chat with a base model or a grader (Azure: its deployment). */
  chatModelFor(model: string): string;
}

export interface ServeRequest {
  model: string;
  purpose: 'eval' | 'production';
  /** A stable name (e.g. from the job id), so a retry finds what an earlier attempt made. */
  name: string;
  /** The provider that trained the model, when known: a worker for another one refuses. */
  provider?: string;
}
