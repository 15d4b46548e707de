import type {
  CostEstimate,
  RunwayReport,
  ServingRecord,
  ServingState,
} from '../shared/providerTypes.js';
import type { JobForSync } from '../shared/syncTypes.js';
import type {
  FineTuneMethod,
  FineTuneMethodType,
  JobSnapshot,
  ResultsSummary,
  TuningSettings,
} from '../shared/types.js';
import type { HistoryRow } from '../wandb/fileStream.js';

/** A provider's name, as FINETUNE_PROVIDER spells it (the registry lists them: ./registry.ts). */
export type ProviderName = string;

/** Rules a fine-tuned model's suffix must follow at this provider (checked before any upload). */
export interface SuffixRule {
  maxLength: number;
  pattern: RegExp;
  describe: string;
}

/**
 * What a provider can and cannot do. The workflows and activities read these instead of asking
 * which provider it is: a fourth provider declares its own and nothing above `src/providers/`
 * changes.
 */
export interface ProviderCapabilities {
  /** The provider sends signed job webhooks a `finetune webhook` receiver can verify. */
  webhooks: boolean;
  /**
   * Jobs keep our metadata: `filtered` (the list filters on it), `kept` (echoed, not filtered),
   * `none` (a run is recognised by a key in the suffix and by what only its request had).
   */
  jobMetadata: 'filtered' | 'kept' | 'none';
  /**
   * How a trained model becomes callable: by its id at once (`none`), a deployment (Azure), or a
   * dedicated endpoint billed per minute while it runs.
   */
  deploymentStep: 'none' | 'deployment' | 'dedicated-endpoint';
  /** Where a training price comes from before the job: the provider's estimate, ours, or none. */
  priceEstimate: 'provider' | 'local' | 'none';
  /** Largest file one upload takes, and whether large files go up in parts. */
  upload: { maxFileBytes: number; parts: 'yes' | 'try' | 'no' };
  /** What the job tells of the time left: its estimated finish, the current phase's, or nothing. */
  timeLeft: 'job' | 'phase' | 'none';
  /** Training methods the provider runs. */
  methods: FineTuneMethod['type'][];
  suffix: SuffixRule;
}

/** How a provider's model ids read: which are fine-tunes, and of which base. */
export interface ModelIdShape {
  /** A fine-tuned model (it may need serving before it answers), not a base model. */
  isFineTuned(model: string): boolean;
  /** The base a fine-tune was trained from (the model itself for a base). */
  baseOf(model: string): string;
  /** An example of a fine-tuned model id, for messages. */
  example: string;
}

/** What the pre-flight asks the provider about a request, besides the model's dates. */
export interface RequestCheckInput {
  model: string;
  method: FineTuneMethodType;
  /** The method's hyperparameters as given (epochs, batch size, multiplier, beta). */
  hyperparameters?: Record<string, unknown>;
  suffix?: string;
  tuning?: TuningSettings;
  /** Tokens of the longest training example, by our count (the provider's may differ a little). */
  longestExampleTokens?: number;
  /** A validation file is given (some settings need one). */
  hasValidation?: boolean;
}

export interface EstimateInput {
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  method?: FineTuneMethod;
  tuning?: TuningSettings;
  /** Our own estimate from the token count, for providers without one. */
  localUsd?: number;
}

export interface RequestCheck {
  problems: string[];
  limits?: string;
}

/** What a retry of job creation can be matched by, besides metadata. */
export interface JobMatch {
  workflowId: string;
  runId: string;
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  /** Unix seconds: jobs created before the first attempt began are not ours. */
  notBefore?: number;
}

export interface CreateJobInput {
  /** Identifies the pipeline run; a retry finds the job it made by these. */
  workflowId: string;
  runId: string;
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  method?: FineTuneMethod;
  suffix?: string;
  seed?: number;
  metadata?: Record<string, string>;
  tuning?: TuningSettings;
}

/** What the creating activity recorded in its heartbeat before it sent the request. */
export interface CreateCheckpoint {
  /** Unix seconds, with slack for clock skew: jobs created before it are not this run's. */
  firstAttemptAt: number;
}

/** The activity around a provider call: cancellation, heartbeats, logs. */
export interface CallContext {
  signal?: AbortSignal;
  heartbeat(details?: unknown): void;
  log(message: string, meta?: Record<string, unknown>): void;
}

export interface CreateContext extends CallContext {
  /** Set on a retried attempt: what the first attempt recorded before its request. */
  resumed?: CreateCheckpoint;
  firstAttemptAt: number;
}

/** Heartbeat checkpoints of an upload in parts (resumable after a crash). */
export interface UploadContext extends CallContext {
  /** Details the previous attempt checkpointed, if any. */
  resumeFrom?: unknown;
  checkpoint(details: unknown): void;
  multipartThresholdBytes: number;
  partSizeBytes: number;
}

export type FileReadiness =
  | { state: 'ready' }
  | { state: 'pending'; status: string }
  /** The provider refused the content: the person must fix the data. */
  | { state: 'invalid'; detail: string };

export interface ProviderFiles {
  /** A usable file with this exact name and size (an earlier upload of the same bytes). */
  find(name: string, bytes: number, signal?: AbortSignal): Promise<string | undefined>;
  /** Whether a file id recorded earlier still exists and can train. */
  usable(fileId: string, signal?: AbortSignal): Promise<boolean>;
  upload(
    file: { path: string; name: string; bytes: number },
    ctx: UploadContext,
  ): Promise<{ fileId: string; via: 'files' | 'uploads' }>;
  readiness(fileId: string, signal?: AbortSignal): Promise<FileReadiness>;
  /** False when it was already gone. */
  delete(fileId: string, signal?: AbortSignal): Promise<boolean>;
  /** The file's bytes; null when the provider no longer has it. */
  download(fileId: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array> | null>;
}

/** The job as W&B records it: config, model metadata, the summary of its outcome. */
export interface JobRecord {
  jobId: string;
  /** Neutral status (succeeded, failed, cancelled, running, …). */
  status: string;
  /** The run config: every field the provider returned, nested values as JSON, times in UTC. */
  config: Record<string, unknown>;
  /** `model_metadata.json`: the job as real JSON (with the model name and checkpoints). */
  metadata: Record<string, unknown>;
  /** Summary keys of the outcome: status, the fine-tuned model, tokens, error. */
  outcome: Record<string, unknown>;
  createdAt: string | null;
}

export interface ProviderJobs {
  /**
   * Creates the job exactly once for this run: an earlier attempt's job is found and returned;
   * a duplicate the provider made on its own is cancelled; another run's job is never adopted.
   */
  create(input: CreateJobInput, ctx: CreateContext): Promise<JobSnapshot>;
  /** This run's job, if one exists (a cancel before creation reported back). */
  findForRun(match: JobMatch, signal?: AbortSignal): Promise<string | undefined>;
  /** The job now; with `metrics` (default while it trains and at its end) the latest progress. */
  retrieve(jobId: string, opts: { metrics?: boolean }, signal?: AbortSignal): Promise<JobSnapshot>;
  /** Cancels unless it already ended; safe to repeat. */
  cancel(jobId: string, signal?: AbortSignal): Promise<JobSnapshot>;
  /** Job ids to sync, newest first; `limit` the N newest. */
  listIds(limit: number | undefined, signal?: AbortSignal): Promise<string[]>;
  /** The facts the W&B sync needs. */
  forSync(jobId: string, signal?: AbortSignal): Promise<JobForSync>;
  record(jobId: string, signal?: AbortSignal): Promise<JobRecord>;
  /** Training metrics newer than `afterStep`, one row per step, oldest first (live W&B). */
  metricsAfter(jobId: string, afterStep: number, signal?: AbortSignal): Promise<HistoryRow[]>;
}

export interface ProviderResults {
  /** The job's per-step results (`ref` is one of the snapshot's `resultFiles`), oldest first. */
  history(ref: string, signal?: AbortSignal): AsyncIterable<HistoryRow>;
  summarize(ref: string, signal?: AbortSignal): Promise<ResultsSummary>;
}

export interface ChatRequest {
  model: string;
  messages: { role: 'system' | 'developer' | 'user' | 'assistant'; content: string }[];
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ChatAnswer {
  content: string;
  promptTokens: number;
  completionTokens: number;
}

/** One chat completion (the eval gate, golden sets): errors mapped to typed failures. */
export type ChatFn = (req: ChatRequest) => Promise<ChatAnswer>;

export interface ServeRequest {
  model: string;
  purpose: 'eval' | 'production';
  /** A stable name (e.g. from the job id), so a retry finds what an earlier attempt made. */
  name: string;
  /** The provider that trained the model, when known: a worker for another one refuses. */
  provider?: string;
  /** Dedicated serving: the hardware and replicas to run it on (else the worker's defaults). */
  hardware?: string;
  replicas?: { min: number; max: number };
}

/**
 * One fine-tuning provider: its capabilities and its operations. Everything a provider does
 * differently lives behind this interface; the workflows, the activities and the W&B code only
 * see these (a unit test keeps it so: test/unit/providers/seam.test.ts).
 */
export interface FineTuneProvider {
  readonly name: ProviderName;
  /** For messages: "OpenAI", "Azure OpenAI", "Together AI". */
  readonly label: string;
  readonly capabilities: ProviderCapabilities;
  readonly modelId: ModelIdShape;
  /** @deprecated read `capabilities.suffix` */
  readonly suffix: SuffixRule;
  readonly files: ProviderFiles;
  readonly jobs: ProviderJobs;
  readonly results: ProviderResults;
  readonly chat: ChatFn;
  /** The one place this provider's errors become typed failures, naming the setting to fix. */
  toFailure(err: unknown, action: string): Error;
  /** Can this base model still be trained, and until when does it (and its fine-tunes) serve? */
  checkRunway(model: string, nowMs: number, signal?: AbortSignal): Promise<RunwayReport>;
  /**
   * Is the request one the provider takes (model supported, method, LoRA or full, batch size,
   * context length)? `problems` refuse it (each says what to change); `limits` sums up what the
   * provider allows, for the pre-flight's report.
   */
  checkRequest(input: RequestCheckInput, signal?: AbortSignal): Promise<RequestCheck>;
  /** The price of training these files, as the provider (or our token count) estimates it. */
  estimateCost(input: EstimateInput, signal?: AbortSignal): Promise<CostEstimate>;
  /**
   * Makes a model callable and returns what a caller passes as `model`. OpenAI: the model id as
   * is. Azure: a deployment. Together: a dedicated endpoint (started, probed until it answers).
   */
  serve(request: ServeRequest, heartbeat: () => void, signal?: AbortSignal): Promise<ServingRecord>;
  /** Stops what `serve` made (nothing is billed for it any more); a no-op where nothing was made. */
  unserve(record: ServingRecord, signal?: AbortSignal): Promise<void>;
  /** What is running now for these records (state, cost per hour); unknown ones are left out. */
  servingStates(records: ServingRecord[], signal?: AbortSignal): Promise<ServingState[]>;
  /**
   * Everything of ours serving now and billed (dedicated endpoints), with its cost per hour, for
   * `status` and `resolve`. Absent: the provider bills no serving of ours by the hour.
   */
  runningServing?(signal?: AbortSignal): Promise<ServingState[]>;
  /** Stops eval serving of ours older than `olderThanMs` (a crashed gate's leftovers). */
  sweepEvalServing(olderThanMs: number, signal?: AbortSignal): Promise<string[]>;
  /** What to pass as `model` to chat with a base model or a grader (Azure: its deployment). */
  chatModelFor(model: string): string;
  /** The grader the eval gate uses when none is named (a model this provider serves). */
  readonly defaultGraderModel?: string;
}
