// Types that cross the workflow/activity/client boundary. Workflow-safe: no Node imports.
// Everything here travels through workflow history, so it holds ids and small summaries only.
import type { EmittedEvent } from './eventTypes.js';
import type { ApprovalRecord, PiiFindings, PromotionConfig } from './promotionTypes.js';
import type { CostCheck, RunwayReport } from './providerTypes.js';

export type Auto = 'auto';
export interface SupervisedHyperparameters {
  batch_size?: number | Auto;
  learning_rate_multiplier?: number | Auto;
  n_epochs?: number | Auto;
}
export interface DpoHyperparameters extends SupervisedHyperparameters {
  beta?: number | Auto;
}
export interface ReinforcementHyperparameters extends SupervisedHyperparameters {
  reasoning_effort?: 'default' | 'low' | 'medium' | 'high';
  compute_multiplier?: number | Auto;
  eval_interval?: number | Auto;
  eval_samples?: number | Auto;
}
export type FineTuneMethod =
  | { type: 'supervised'; hyperparameters?: SupervisedHyperparameters }
  | { type: 'dpo'; hyperparameters?: DpoHyperparameters }
  | {
      type: 'reinforcement';
      grader: Record<string, unknown>;
      hyperparameters?: ReinforcementHyperparameters;
    };
/** The fine-tuning method: the one union every layer uses (dataset checks, W&B, the CLI). */
export type FineTuneMethodType = FineTuneMethod['type'];
/** Every method, for option parsers and checks; the compiler keeps it complete. */
export const FINE_TUNE_METHOD_TYPES = [
  'supervised',
  'dpo',
  'reinforcement',
] as const satisfies readonly FineTuneMethodType[];
type MissingMethod = Exclude<FineTuneMethodType, (typeof FINE_TUNE_METHOD_TYPES)[number]>;
const methodListIsComplete: [MissingMethod] extends [never] ? true : never = true;
void methodListIsComplete;

/**
 * Training settings beyond the method's hyperparameters, for providers that train open-weight
 * models: adapters (LoRA, where the provider defaults to it) or every weight, an absolute
 * learning rate, warm-up, evaluations, checkpoints. A provider refuses what it does not take,
 * before anything is uploaded.
 */
export interface TuningSettings {
  /** `lora` (an adapter) or `full` (every weight, where the base allows it). */
  type?: 'lora' | 'full';
  lora?: { r?: number; alpha?: number; dropout?: number; modules?: string };
  /** Absolute learning rate (not OpenAI's multiplier). */
  learningRate?: number;
  /** Examples per batch, or `max` (the largest the base allows). */
  batchSize?: number | 'max';
  /** Fraction of steps with linear warm-up, 0 to 1. */
  warmupRatio?: number;
  /** Evaluations on the validation file during training. */
  evals?: number;
  /** Checkpoints saved during training (the final model included). */
  checkpoints?: number;
  /** Whether prompts count in the loss: `auto` lets the provider decide. */
  trainOnInputs?: boolean | 'auto';
}

/** Where the worker reads a dataset from. A reference, never the contents. */
export interface DatasetRef {
  /** A path on the worker's filesystem. */
  path: string;
}

/** How the workflow waits for a job; all durations in milliseconds. */
export interface WaitPolicy {
  /** 'adaptive': guided by estimated_finish, backing off; 'fixed': a plain loop (the old way). */
  mode: 'adaptive' | 'fixed';
  minPollMs: number;
  maxPollMs: number;
  /** Only for mode 'fixed'. */
  fixedIntervalMs?: number;
  /** Upper bound on the poll delay while the job is running, for fresher progress. */
  progressPollMs?: number;
  /**
   * A webhook receiver signals this wait (README "Webhooks"). Then, while nobody watches and no
   * live W&B run streams, the poll is a sparse safety net: once shortly after estimated_finish,
   * else every `safetyNetPollMs`, and without reading training metrics.
   */
  webhooks?: boolean;
  /** With `webhooks`: the longest sleep between safety-net polls (default one hour). */
  safetyNetPollMs?: number;
  /** While someone watches (the `watchProgress` signal): poll at least this often (default 15 s). */
  watchPollMs?: number;
}

export const DEFAULT_WAIT_POLICY: WaitPolicy = {
  mode: 'adaptive',
  minPollMs: 15_000,
  maxPollMs: 10 * 60_000,
};

export type PiiPolicy = 'off' | 'warn' | 'block';

export interface PipelineInput {
  training: DatasetRef;
  validation?: DatasetRef;
  /** Base model snapshot or a previous `ft:` model. */
  model: string;
  method?: FineTuneMethod;
  suffix?: string;
  seed?: number;
  /** Extra job metadata (string pairs); `tf_workflow_id` is reserved. */
  metadata?: Record<string, string>;
  /** Settings for providers that train open-weight models (LoRA or full, learning rate, …). */
  tuning?: TuningSettings;
  /**
   * The most the training may cost, in USD: an estimate above it (or a provider that will not
   * go ahead) stops the run before the job is created, with the figure.
   */
  maxCostUsd?: number;
  wait?: Partial<WaitPolicy>;
  piiScan?: PiiPolicy;
  /**
   * W&B: datasets versioned before upload, metrics streamed while training, the job synced after.
   * Default: on, project "OpenAI-Fine-Tune", when the worker has WANDB_API_KEY. `false` turns it off.
   */
  wandb?: { project?: string; entity?: string } | false;
  /**
   * Governed promotion after a succeeded job: gates, a person's decision (signal or Update), then
   * the alias moves. Default: on, with default gates. `false`: the pipeline ends at `succeeded`.
   */
  promotion?: PromotionConfig | false;
  /** Set by `finetune migrate`: the model this one replaces and the golden set it was gated on. */
  migratedFrom?: MigrationSource;
}

export interface MigrationSource {
  model: string;
  /** `entity/project/model-metadata:vN` of the model being replaced. */
  modelVersion: string;
  provider?: string;
  /** `entity/project/golden-…:vN`: its recorded answers. */
  goldenSet: string;
}

/** What the pipeline did in W&B; `skipped` or `errors` say why something is missing. */
export interface PipelineWandbResult {
  skipped?: string;
  runPath?: string;
  datasetVersions: { role: 'training' | 'validation'; ref: string; created: boolean }[];
  artifacts: string[];
  errors: string[];
  /**
   * W&B work put off because W&B did not answer in time (an outage), and why: the sync child
   * does it once W&B answers again.
   */
  deferred?: string[];
  /** The child workflow that syncs the job to W&B (and catches up on `deferred` work). */
  sync?: { workflowId: string; state: 'running' | 'done' | 'failed' };
}

export interface DatasetSummary {
  role: 'training' | 'validation';
  path: string;
  digest: string;
  bytes: number;
  format: string;
  examples: number;
  billableTokens: number;
  overLimit: number;
  warningCount: number;
  estimatedTrainedTokens?: number;
  estimatedUsd?: number;
  /** The PII scan's findings (when it ran), kept for the gate and the approver. */
  pii?: PiiFindings;
  /** First lines over the model's context limit, and that limit. */
  overLimitLines?: number[];
  contextLimit?: number;
  /** Tokens of the longest example, by our count. */
  longestExampleTokens?: number;
}

export interface UploadedFile {
  fileId: string;
  digest: string;
  /** True when a file with this content was already on the provider and was reused. */
  reused: boolean;
  via: 'files' | 'uploads';
}

export interface JobError {
  code: string;
  message: string;
  param?: string | null;
}

/** A small, provider-neutral view of a job, as the workflow needs it. */
export interface JobSnapshot {
  jobId: string;
  status: string;
  model: string;
  fineTunedModel: string | null;
  estimatedFinish: number | null;
  finishedAt: number | null;
  trainedTokens: number | null;
  resultFiles: string[];
  error: JobError | null;
  step: number | null;
  totalSteps: number | null;
  trainLoss: number | null;
  validLoss: number | null;
  /** The status as the provider sent it, when the neutral `status` says it differently. */
  rawStatus?: string;
  /** `phase`: `estimatedFinish` is when the current phase ends (the provider tells no more). */
  estimateCovers?: 'job' | 'phase';
  /** Epochs done, when the provider reports them. */
  epoch?: number | null;
  /** What the job has cost so far in USD, when the provider reports it. */
  costUsd?: number | null;
}

export const TERMINAL_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;
export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export interface JobEventSignal {
  type: string;
  jobId: string;
  /** The webhook delivery id, for de-duplication. */
  deliveryId?: string;
}

export type PipelineStage =
  | 'validating'
  | 'uploading'
  | 'creating_job'
  | 'training'
  | 'succeeded'
  | 'evaluating'
  | 'awaiting_approval'
  | 'promoting'
  | 'promoted'
  | 'rejected'
  | 'failed'
  | 'cancelled';

export interface PipelineProgress {
  stage: PipelineStage;
  datasets: DatasetSummary[];
  files: UploadedFile[];
  jobId?: string;
  waitWorkflowId?: string;
  job?: JobSnapshot;
  error?: string;
  wandb?: PipelineWandbResult;
  /** Gates, the decision, refused requests and what promotion changed. */
  approval?: ApprovalRecord;
  /** What the UI's current details say now (also shown by `finetune status`). */
  details?: string;
  /** The provider's answer on training and serving dates for the base model. */
  runway?: RunwayReport;
  /**
   * Pre-flight passed: the datasets validated on the worker and the provider will train the base
   * model. Nothing has been uploaded or versioned before this. Absent while it runs and in runs
   * that failed it (or began before this field existed).
   */
  preflightPassed?: boolean;
  /** Why the results summary is missing although the job succeeded. */
  resultsError?: string;
  /** The training price estimate (and `--max-cost`), checked before the job is created. */
  cost?: CostCheck;
  /** The events this run emitted (docs/events.md); each names its delivery workflow. */
  events?: EmittedEvent[];
}

export interface ResultsSummary {
  fileId: string;
  rows: number;
  columns: string[];
  lastStep: number | null;
  finalTrainLoss: number | null;
  finalValidLoss: number | null;
  base64: boolean;
}

export interface PipelineResult {
  status: 'succeeded';
  /** Where the pipeline ended: `succeeded` when promotion is off, else `promoted` or `rejected`. */
  stage?: 'succeeded' | 'promoted' | 'rejected';
  approval?: ApprovalRecord;
  jobId: string;
  fineTunedModel: string;
  trainedTokens: number | null;
  datasets: DatasetSummary[];
  files: UploadedFile[];
  results?: ResultsSummary;
  wandb: PipelineWandbResult;
}

export interface AwaitJobInput {
  jobId: string;
  policy: WaitPolicy;
  /** Stream training metrics into this W&B run (id = job id) while the job trains. */
  live?: { target: { entity: string; project: string } };
  /** A pipeline to tell of each new snapshot (status, step, loss), for its UI details. */
  reportTo?: string;
  /** Carried over continue-as-new. */
  carried?: { polls: number; wakeups: number; last?: JobSnapshot; liveStep?: number };
}

export interface AwaitJobResult {
  snapshot: JobSnapshot;
  /** Workflow time (ms) at which the terminal status was observed. */
  detectedAtMs: number;
  polls: number;
  wakeups: number;
}

/** The default task queue (an OpenAI worker's; other providers' workers add their name). */
export const TASK_QUEUE = 'fine-tune';
export const WORKFLOW_ID_METADATA_KEY = 'tf_workflow_id';
