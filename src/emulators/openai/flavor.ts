import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ChatModel } from './chatModels.js';
import type { EmulatorContext } from './context.js';
import type { EmbeddingModel } from './embeddingModels.js';
import type { ApiError } from './errors.js';
import type { IdFactory } from './ids.js';
import type { WebhookTarget } from './options.js';
import type { Random } from './random.js';
import type { FileRecord, FileStatus, JobRecord, JobStatus } from './records.js';
import type { StepMetrics } from './trainingCurve.js';
import type { JobWebhookType } from './webhookSender.js';

export type FlavorName = 'openai' | 'azure' | 'openai-compatible';

/** One request as the flavour's guard sees it, before any route runs. */
export interface GuardedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown>;
}

/** How fine-tuned models and their checkpoints are named, decided when a job succeeds. */
export interface ModelNames {
  model: string;
  checkpoint(step: number): string;
}

/** What differs between providers in the fine-tuning jobs API. */
export interface JobRules {
  /** The status a new job starts in (`validating_files`, or Azure's `pending`). */
  readonly initialStatus: JobStatus;
  /** Order of job and event lists. */
  readonly listOrder: 'newest-first' | 'oldest-first';
  /** Whether a UTF-8 byte-order mark may start a training file. */
  readonly acceptsByteOrderMark: boolean;
  /**
   * Takes the provider-only fields out of a create body (and checks them), so the common checks
   * see a plain OpenAI body; `record` keeps what was taken out once the job exists.
   */
  prepareCreate(body: unknown): { body: unknown; record(job: JobRecord): void };
  /** The model a job trains, or the provider's 400 for one it cannot fine-tune. */
  resolveModel(requested: string): string;
  /** A `GET …/fine_tuning/jobs` filter from the query, if the provider has one. */
  listFilter(query: Record<string, unknown>): ((job: JobRecord) => boolean) | undefined;
  view(job: JobRecord, ctx: EmulatorContext): object;
  modelNames(job: JobRecord, ctx: EmulatorContext): ModelNames;
  results(history: readonly StepMetrics[]): { filename: string; csv: string };
}

/** What the emulator's test hooks can see of provider-only state (empty for OpenAI). */
export interface FlavorInspection {
  azureJob(jobId: string): AzureJobInfo | undefined;
  deployments(): DeploymentInfo[];
  webhookEndpoints(): WebhookEndpointInfo[];
  /** OpenAI-compatible (Nebius-like) hosts: models made servable through `/v0/models`. */
  customModels(): CustomModelInfo[];
}

export interface CustomModelInfo {
  /** The full name callers pass as `model`. */
  name: string;
  /** The name the create request asked for. */
  short: string;
  /** `<job id>:<checkpoint id>`. */
  source: string;
  status: 'validating' | 'active' | 'error';
}

export interface AzureJobInfo {
  /** `trainingType` exactly as the create request sent it. */
  trainingType: string;
  /** The tier it was read as (case-insensitive match), e.g. `GlobalStandard`. */
  tier: string;
}

export interface DeploymentInfo {
  name: string;
  /** The ARM id prefix the deployment was created under. */
  accountId: string;
  sku: { name: string; capacity: number };
  model: { format: string; name: string; version: string };
  /** The model chat completions on this deployment answer as. */
  serves: string;
  provisioningState: string;
  /** Whether chat completions would be answered now (provisioned and past the not-ready window). */
  ready: boolean;
  createdAtMs: number;
  /** DeveloperTier only: when the deployment ends (real service: 24 hours after creation). */
  expiresAtMs: number | null;
}

export interface WebhookEndpointInfo {
  id: string;
  name: string | null;
  url: string;
  eventTypes: string[];
  signingSecret: string;
}

/**
 * Everything that differs between the OpenAI API and Azure OpenAI's v1 data plane, so the shared
 * routes and the job lifecycle stay free of provider branches.
 */
export interface Flavor {
  readonly name: FlavorName;
  /** Where the data-plane routes live: `/v1` or `/openai/v1`. */
  readonly prefix: string;
  readonly uploadsEnabled: boolean;
  newIds(random: Random): IdFactory;
  requestId(): string;
  /** Headers every answer carries. */
  answerHeaders(requestId: string, path: string): Record<string, string>;
  /** The header reporting processing time, if the provider sends one. */
  readonly timingHeader: string | undefined;
  /** Whether auth and fault injection apply to the path. */
  isApiPath(path: string): boolean;
  /** A 401 (or 400) for a request the provider refuses before routing it; undefined to go on. */
  guard(req: GuardedRequest): ApiError | undefined;
  errorBody(err: ApiError): unknown;
  errorHeaders(err: ApiError): Record<string, string>;
  routeNotFound(method: string, path: string): ApiError;
  rateLimited(retryAfterSeconds: number): ApiError;
  serverError(): ApiError;
  readonly files: {
    readonly purposes: readonly string[];
    readonly initialStatus: FileStatus;
    view(file: FileRecord): object;
  };
  readonly jobs: JobRules;
  /** The model a chat completion request's `model` names (Azure: a deployment). */
  chatModel(ctx: EmulatorContext, requested: string): ChatModel;
  /** The embedding model a request's `model` names (Azure: a deployment serving one). */
  embeddingModel(ctx: EmulatorContext, requested: string): EmbeddingModel;
  /** Webhook targets registered through the API (besides the `webhook` option). */
  webhookTargets(type: JobWebhookType): WebhookTarget[];
  /** Routes only this provider has (OpenAI: models; Azure: webhook endpoints, ARM). */
  registerRoutes(app: FastifyInstance, ctx: EmulatorContext): void;
  readonly inspect: FlavorInspection;
  /** Provider-only state a snapshot keeps (Azure: deployments, what job creation recorded). */
  readonly state: FlavorState;
}

/** What `stateDir` keeps of a flavour; opaque to the rest of the emulator. */
export interface FlavorState {
  snapshot(): FlavorSnapshot;
  restore(saved: FlavorSnapshot): void;
}

/** Structured-cloneable data only (src/emulators/snapshotFile.ts). */
export type FlavorSnapshot = Record<string, unknown>;
