import type { FaultOptions } from '../openai/options.js';
import type { CatalogModel } from './catalog.js';

/** The OpenAI emulator's faults, plus the 503 Together answers when capacity runs short. */
export interface TogetherFaultOptions extends FaultOptions {
  /**
   * Share of requests answered 503 (docs rate-limits: at or below your dynamic rate, a capacity
   * shortfall is a 503, which the SDK retries; the 500s of `rate5xx` it does not).
   */
  rate503?: number;
}

/**
 * How long things take at Together, in the provider's own time (a job trains for minutes, an
 * endpoint starts in minutes); `timeScale` compresses all of it.
 */
export interface TogetherDurations {
  /** A `fine-tune` file is `PENDING` this long before `COMPLETED` / `INVALID_FORMAT` (30 s). */
  fileValidationMs?: number;
  /** Job phases (30 s, 60 s, 10 min, 60 s, 60 s). */
  pendingMs?: number;
  queuedMs?: number;
  runningMs?: number;
  compressingMs?: number;
  uploadingMs?: number;
  /** `cancel_requested` → `cancelled` (30 s). */
  cancellingMs?: number;
  /** A dedicated endpoint (v1) or deployment (v2) from create/start to serving (5 min). */
  endpointStartMs?: number;
  /** From stop to `STOPPED` (30 s). */
  endpointStopMs?: number;
}

export interface ServingOptions {
  /**
   * v1 `POST /v1/endpoints`: `retired` (default; 403 `endpoints_v1_create_access_disabled`, and a
   * stopped v1 endpoint cannot be started again, as the facts sheet reports for late 2026) or
   * `available` (the description's behaviour).
   */
  v1Create?: 'retired' | 'available';
  /** v1 endpoints that exist from the start (what a legacy account still has). */
  legacyV1Endpoints?: { model: string; hardware: string; state: 'STARTED' | 'STOPPED' }[];
  /** Decides that an endpoint or deployment ends in `ERROR` / `DEPLOYMENT_STATE_FAILED`. */
  failStart?: (target: { model: string; hardware: string }) => boolean;
  /**
   * Whether a completed LoRA job's `model_output_name` answers chat completions without a
   * deployment (serverless LoRA; default false: unverified in late 2026).
   */
  serverlessLoRA?: boolean;
}

export interface TogetherEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** When set, only this bearer key is accepted (401 otherwise); when unset, any non-empty key. */
  apiKey?: string;
  /**
   * Provider seconds per real second (default 100: a ten-minute job trains in six seconds, an
   * endpoint starts in three). Durations and serving bills are in provider time; what the API
   * shows (timestamps, `progress.seconds_remaining`) is real time, so clients poll as usual.
   */
  timeScale?: number;
  durations?: TogetherDurations;
  /** Training steps reported per job (default 60), spread over `runningMs`. */
  steps?: number;
  /** Fine-tunable and serverless models (default: the table in catalog.ts). */
  models?: CatalogModel[];
  /** Credit limit in dollars (estimate-price `user_limit`; default 100). */
  creditLimitDollars?: number;
  /** Job creation (and other billable calls) answer 402, as when the spending limit is reached. */
  spendingLimitReached?: boolean;
  /**
   * Answer `409 {file_id}` to a presigned upload whose `checksum` matches a file already here
   * (seen only in the Python SDK; default false).
   */
  dedupeUploadsByChecksum?: boolean;
  /** Decides, when a job starts running, that it fails part-way (status `error`). */
  failTraining?: (job: { model: string; suffix: string | null }) => boolean;
  /** How much worse than usual a chat model answers (0…1), by the `model` the request names. */
  chatDegradation?: (model: string) => number;
  serving?: ServingOptions;
  faults?: TogetherFaultOptions;
  /** Makes ids, job seeds and fault decisions repeatable. */
  seed?: number;
  /**
   * A folder that keeps the state (files and their bytes, jobs, endpoints and deployments, bills,
   * what models learned) between runs, as the sandbox's `.sandbox/together`; absent: in memory.
   */
  stateDir?: string;
}

export type ResolvedDurations = Required<TogetherDurations>;

export function resolveDurations(d: TogetherDurations = {}): ResolvedDurations {
  return {
    fileValidationMs: d.fileValidationMs ?? 30_000,
    pendingMs: d.pendingMs ?? 30_000,
    queuedMs: d.queuedMs ?? 60_000,
    runningMs: d.runningMs ?? 600_000,
    compressingMs: d.compressingMs ?? 60_000,
    uploadingMs: d.uploadingMs ?? 60_000,
    cancellingMs: d.cancellingMs ?? 30_000,
    endpointStartMs: d.endpointStartMs ?? 300_000,
    endpointStopMs: d.endpointStopMs ?? 30_000,
  };
}
