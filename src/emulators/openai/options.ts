import type { AzureOptions } from './azure/options.js';
import type { CompatibleOptions } from './compatible/options.js';

/** Where and how the emulator delivers webhooks (Standard Webhooks, like OpenAI). */
export interface WebhookTarget {
  url: string;
  /** Signing secret `whsec_<base64>` (a secret without the prefix is used as UTF-8 bytes). */
  secret: string;
  /** Share of events never delivered at all (0…1). */
  dropRate?: number;
  /** Share of events delivered twice with the same `webhook-id` (0…1). */
  duplicateRate?: number;
  /** Wait before the first delivery attempt, in ms. */
  delayMs?: number;
  /** Attempts per event before giving up (default 5). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled each time (default 500). */
  retryBaseMs?: number;
}

/** Faults injected into API requests (`/v1/*`; Azure: `/openai/v1/*` and ARM), decided per request. */
export interface FaultOptions {
  /** Share of requests answered 429 with `retry-after` (0…1). */
  rate429?: number;
  /** `retry-after` seconds on injected 429s (default 1). */
  retryAfterSeconds?: number;
  /** Share of requests answered 500 (0…1). */
  rate5xx?: number;
  /** Share of requests whose connection is dropped without an answer (0…1). */
  rateReset?: number;
  /** Extra delay before every answer, in ms. */
  latencyMs?: number;
  /**
   * Share of requests that are handled (the job is created, the file stored…) and whose answer is
   * then lost: the connection drops instead. What a client sees when a response goes missing.
   */
  rateLoseAnswer?: number;
  /** Only requests whose path matches are affected. */
  onlyPaths?: RegExp;
  /** Only requests with one of these methods (e.g. ['POST']) are affected. */
  onlyMethods?: string[];
  /** Stop injecting errors after this many (latency is not counted). */
  maxFaults?: number;
}

export interface OpenAIEmulatorOptions {
  /**
   * Which service to be: `openai` (default; paths under `/v1`) or `azure` (Azure OpenAI's v1 data
   * plane under `/openai/v1`, plus an emulated ARM management plane; see the README).
   */
  flavor?: 'openai' | 'azure' | 'openai-compatible';
  /** Azure flavour settings (ignored by the OpenAI flavour). */
  azure?: AzureOptions;
  /**
   * `openai-compatible` flavour (a Nebius Token Factory-like host: OpenAI's API under `/v1`,
   * models made servable through `/v0/models`): how that deployment call behaves.
   */
  compatible?: CompatibleOptions;
  /**
   * OpenAI flavour: `shutdown_date` of `GET /v1/models` by exact model id, over the built-in
   * table (null = none announced). Fine-tuned models take their base snapshot's date.
   */
  modelShutdownDates?: Record<string, string | null>;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * When set, only this key is accepted (401 otherwise); when unset, any non-empty key. OpenAI:
   * `Authorization: Bearer <key>`; Azure: `api-key: <key>` or `Authorization: Bearer <key>`.
   */
  apiKey?: string;
  /**
   * Real time per job phase (defaults 1000/1000/6000 ms: a "two hour" job in seconds), and how
   * long an uploaded file stays `uploaded` before it is `processed` (default 200 ms). Azure jobs
   * are `pending` for `pendingMs` (default 500 ms) before they validate.
   */
  durations?: {
    pendingMs?: number;
    validatingMs?: number;
    queuedMs?: number;
    runningMs?: number;
    fileProcessingMs?: number;
  };
  /** Training steps reported (default 60): one metrics event per step, spread over runningMs. */
  steps?: number;
  /**
   * Serve results files base64-encoded, as OpenAI does (default true for OpenAI, false for Azure,
   * which serves plain CSV).
   */
  resultsBase64?: boolean;
  /** Job creation answers 403 `training_not_available` (files still upload). */
  trainingNotAvailable?: boolean;
  /** Decides, when a job starts running, that it fails part-way through training. */
  failTraining?: (job: {
    model: string;
    suffix: string | null;
    metadata: Record<string, string>;
  }) => boolean;
  /**
   * Decides that a succeeded job names a results file that cannot be read (expired or deleted
   * at the provider): its content answers 404.
   */
  loseResultsFile?: (job: { suffix: string | null }) => boolean;
  /**
   * How much longer than its estimated_finish says a job trains, in ms (default 0: the estimate
   * is right to the second). An estimate is only an estimate; this is how late it can be.
   */
  overrunEstimateMs?: (job: { suffix: string | null }) => number;
  /**
   * How much worse than usual a chat model answers, by the model name as the request gives it:
   * 0 (default) = as usual, 1 = always a generic, wrong answer; in between, that share of prompts
   * (chosen by hash, so stable). Grading requests are not affected.
   */
  chatDegradation?: (model: string) => number;
  /**
   * Embeddings: `outOfOrder` answers `data` in reverse order, each item keeping its `index` (the
   * API promises no order; clients must join on `index`). Default false.
   */
  embeddings?: { outOfOrder?: boolean };
  webhook?: WebhookTarget;
  faults?: FaultOptions;
  /** Makes ids, job seeds, fault injection and webhook drop/duplicate decisions repeatable. */
  seed?: number;
  /**
   * Keep files, uploads, jobs and what the models learned here between runs (the sandbox's
   * `.sandbox/openai`): loaded at start, written after each change and on close. A job that was
   * training when it stopped trains on when it starts again.
   */
  stateDir?: string;
}

export interface ResolvedDurations {
  pendingMs: number;
  validatingMs: number;
  queuedMs: number;
  runningMs: number;
  fileProcessingMs: number;
}

export function resolveDurations(d: OpenAIEmulatorOptions['durations']): ResolvedDurations {
  return {
    pendingMs: d?.pendingMs ?? 500,
    validatingMs: d?.validatingMs ?? 1000,
    queuedMs: d?.queuedMs ?? 1000,
    runningMs: d?.runningMs ?? 6000,
    fileProcessingMs: d?.fileProcessingMs ?? 200,
  };
}
