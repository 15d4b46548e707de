import type { StepMetrics } from './trainingCurve.js';

/**
 * What the emulator remembers. Records are internal; `views.ts` turns them into the API's JSON.
 * Every record has `seq`, a creation counter: `created_at` is in whole seconds, so it cannot
 * order things made within the same second (newest-first lists need a total order).
 */

export type FilePurpose = string;
/** `pending` is the Azure flavour's first status, `uploaded` OpenAI's. */
export type FileStatus = 'uploaded' | 'pending' | 'processed' | 'error';

export interface FileRecord {
  id: string;
  seq: number;
  bytes: number;
  createdAt: number;
  expiresAt: number | null;
  filename: string;
  purpose: FilePurpose;
  status: FileStatus;
  statusDetails: string | null;
}

export interface UploadPartRecord {
  id: string;
  createdAt: number;
  uploadId: string;
  bytes: number;
}

export type UploadStatus = 'pending' | 'completed' | 'cancelled' | 'expired';

export interface UploadRecord {
  id: string;
  seq: number;
  bytes: number;
  createdAt: number;
  expiresAt: number;
  filename: string;
  purpose: FilePurpose;
  mimeType: string;
  status: UploadStatus;
  fileId: string | null;
  /** `expires_after.seconds` for the file the upload becomes. */
  fileExpiresAfterSeconds: number | null;
  parts: Map<string, UploadPartRecord>;
}

/** `pending` comes first on Azure only (observed there, not in either spec's enum). */
export type JobStatus =
  | 'pending'
  | 'validating_files'
  | 'queued'
  | 'running'
  | 'paused'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
]);

export type Auto = 'auto';
export type MethodType = 'supervised' | 'dpo' | 'reinforcement';

/** Hyperparameters as requested ("auto" where not given) and, once training starts, concrete. */
export type Hyperparameters = Record<string, number | string>;

export interface JobErrorRecord {
  code: string;
  message: string;
  param: string | null;
}

export interface EventRecord {
  id: string;
  createdAt: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, number> | Record<string, never>;
}

export interface CheckpointRecord {
  id: string;
  createdAt: number;
  model: string;
  step: number;
  metrics: Record<string, number>;
}

/** What training will look like, fixed when the job starts running. */
export interface TrainingPlan {
  examples: number;
  tokensPerEpoch: number;
  epochs: number;
  totalSteps: number;
  /** The step at the end of each epoch, ascending. */
  epochEndSteps: number[];
  /** Step at which the job fails (failTraining), if it does. */
  failAtStep: number | null;
  hasValidation: boolean;
}

export interface JobRecord {
  id: string;
  seq: number;
  createdAt: number;
  createdAtMs: number;
  terminalAtMs?: number;
  model: string;
  trainingFile: string;
  validationFile: string | null;
  suffix: string | null;
  seed: number;
  metadata: Record<string, string> | null;
  integrations: unknown[] | null;
  methodType: MethodType;
  /** The method block minus hyperparameters (e.g. the reinforcement grader), echoed back. */
  methodExtras: Record<string, unknown>;
  hyperparameters: Hyperparameters;
  status: JobStatus;
  error: JobErrorRecord | null;
  fineTunedModel: string | null;
  finishedAt: number | null;
  trainedTokens: number | null;
  resultFiles: string[];
  estimatedFinish: number | null;
  plan: TrainingPlan | null;
  stepsDone: number;
  /** Metrics of every step trained so far, with the second each was reported. */
  history: { metrics: StepMetrics; at: number }[];
  events: EventRecord[];
  checkpoints: CheckpointRecord[];
}
