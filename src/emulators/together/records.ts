import type { TrainingPlan } from '../openai/records.js';

/** What the emulator remembers; `views.ts` and the serving views turn it into Together's JSON. */

export type ProcessingStatus = 'PENDING' | 'COMPLETED' | 'INVALID_FORMAT' | 'FAILED';
export type DatasetFormat = 'CONVERSATION' | 'INSTRUCTION' | 'GENERAL' | 'PREFERENCE_OPENAI';

export interface ValidationReport {
  valid: boolean;
  datasetFormat: DatasetFormat | null;
  nlines: number;
  error: string | null;
  hasTools: boolean;
  hasReasoning: boolean;
  hasMessageWeights: boolean;
  hasSampleWeights: boolean;
  hasParallelToolCalls: boolean;
  isMultimodal: boolean;
  /** Four characters a token: close enough for prices and `token_count`. */
  tokens: number;
}

export interface FileRecord {
  id: string;
  seq: number;
  filename: string;
  purpose: string;
  fileType: 'jsonl' | 'csv' | 'parquet';
  /** Set once the bytes are in (multipart upload, or the PUT to the presigned URL). */
  bytes: number | null;
  createdAtMs: number;
  sha256: string | null;
  /** The upload's `checksum` field, if it sent one. */
  checksum: string | null;
  processingStatus: ProcessingStatus;
  report: ValidationReport | null;
  /** The token a presigned PUT must carry; null once used. */
  uploadToken: string | null;
}

export type JobStatus =
  | 'pending'
  | 'queued'
  | 'running'
  | 'compressing'
  | 'uploading'
  | 'cancel_requested'
  | 'cancelled'
  | 'error'
  | 'completed';

export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set([
  'cancelled',
  'error',
  'completed',
]);

export type EventLevel = 'info' | 'warning' | 'error';

export interface EventRecord {
  createdAtMs: number;
  level: EventLevel;
  type: string;
  message: string;
  step: number;
  checkpointPath: string;
  modelPath: string;
  hash: string;
}

export interface MetricRow {
  loggedAtMs: number;
  step: number;
  kind: 'train' | 'eval';
  values: Record<string, number>;
}

export interface CheckpointRecord {
  step: number;
  createdAtMs: number;
  path: string;
  type: 'Intermediate' | 'Final';
  artifact: 'model' | 'adapter';
  objectId: string;
  objectName: string;
  revisionId: string;
}

/** The create request as the job keeps it (validated, defaults filled in). */
export interface JobRequest {
  model: string;
  trainingFile: string;
  validationFile: string | null;
  suffix: string | null;
  nEpochs: number;
  nCheckpoints: number;
  nEvals: number;
  batchSize: number | 'max';
  learningRate: number;
  lrScheduler: {
    lr_scheduler_type: 'linear' | 'cosine';
    lr_scheduler_args?: Record<string, number>;
  };
  warmupRatio: number;
  maxGradNorm: number;
  weightDecay: number;
  randomSeed: number | null;
  packing: boolean;
  maxSeqLength: number;
  trainingMethod: Record<string, unknown> & { method: 'sft' | 'dpo' };
  trainingType: Record<string, unknown> & { type: 'Lora' | 'Full' };
  trainOnInputs: boolean | 'auto';
  wandb: { projectName: string; name: string | null; url: string | null } | null;
  fromCheckpoint: string | null;
  fromHfModel: string | null;
  hfModelRevision: string | null;
}

export interface JobRecord {
  id: string;
  seq: number;
  request: JobRequest;
  status: JobStatus;
  createdAtMs: number;
  updatedAtMs: number;
  /** When the current stage began (`started_at`: "start timestamp of the current stage"). */
  stageStartedAtMs: number;
  /** When the current stage ends (real ms), for `progress.seconds_remaining`. */
  stageEndsAtMs: number | null;
  seed: number;
  userId: string;
  ownerAddress: string;
  paramCount: number;
  /** Training tokens per epoch (from the file's validation report). */
  tokensPerEpoch: number;
  evalTokens: number;
  trainingLines: number;
  trainingBytes: number;
  batchSize: number;
  plan: TrainingPlan | null;
  stepsDone: number;
  events: EventRecord[];
  metrics: MetricRow[];
  checkpoints: CheckpointRecord[];
  queueDepth: number;
  outputName: string;
  outputPath: string;
  modelObject: { id: string; name: string; revisionId: string };
  adapterObject: { id: string; name: string; revisionId: string } | null;
  /** Nano-dollars billed so far (`total_price`). */
  totalPriceNano: number;
}

/** v1 dedicated endpoint states (spec `DedicatedEndpoint.state`). */
export type V1State = 'PENDING' | 'STARTING' | 'STARTED' | 'STOPPING' | 'STOPPED' | 'ERROR';

export interface V1EndpointRecord {
  id: string;
  seq: number;
  name: string;
  displayName: string;
  model: string;
  hardware: string;
  state: V1State;
  minReplicas: number;
  maxReplicas: number;
  createdAtMs: number;
}

/** v2 deployment states (ts `DeploymentStatus.state`). */
export type DeploymentState =
  | 'DEPLOYMENT_STATE_PROVISIONING'
  | 'DEPLOYMENT_STATE_READY'
  | 'DEPLOYMENT_STATE_SCALING'
  | 'DEPLOYMENT_STATE_DEGRADED'
  | 'DEPLOYMENT_STATE_FAILED'
  | 'DEPLOYMENT_STATE_STOPPED'
  | 'DEPLOYMENT_STATE_STOPPING';

export interface V2EndpointRecord {
  id: string;
  seq: number;
  /** The bare name; the API shows `<project_slug>/<name>`. */
  name: string;
  visibility: 'VISIBILITY_PRIVATE' | 'VISIBILITY_INTERNAL';
  trafficSplit: { deploymentId: string; weight: number }[];
  etag: string;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface DeploymentRecord {
  id: string;
  seq: number;
  endpointId: string;
  name: string;
  /** `projects/{p}/models/{ml}/revisions/{rv}` */
  model: string;
  /** The model chat completions on this deployment answer as (a job's output or a base). */
  serves: string;
  config: string;
  hardware: string;
  minReplicas: number;
  maxReplicas: number;
  enableLora: boolean;
  state: DeploymentState;
  message: string;
  etag: string;
  createdAtMs: number;
  updatedAtMs: number;
}
