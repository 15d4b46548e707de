// Types of the W&B sync (the `WandbLogger.sync()` equivalent). Workflow-safe: no Node imports.
import type { FineTuneMethodType, JobError, WaitPolicy } from './types.js';

/** What `wandb.init(**kwargs)` extras we pass through; id/name/project/entity/job_type are ours. */
export interface WandbRunOptions {
  tags?: string[];
  notes?: string;
  group?: string;
  /** Extra config keys, merged under the job's own. */
  config?: Record<string, unknown>;
}

/** Options of `WandbLogger.sync()`, camel-cased, with the same defaults (see SYNC_DEFAULTS). */
export interface SyncOptions {
  fineTuneJobId?: string;
  /** The N newest jobs (WandbLogger took the N oldest of the first page: fixed here). */
  numFineTunes?: number;
  project?: string;
  entity?: string;
  overwrite?: boolean;
  waitForJobSuccess?: boolean;
  logDatasets?: boolean;
  modelArtifactName?: string;
  modelArtifactType?: string;
  runOptions?: WandbRunOptions;
  /** How many jobs sync at once (child workflows). */
  maxConcurrent?: number;
  wait?: Partial<WaitPolicy>;
}

export const SYNC_DEFAULTS = {
  project: 'OpenAI-Fine-Tune',
  overwrite: false,
  waitForJobSuccess: true,
  logDatasets: true,
  modelArtifactName: 'model-metadata',
  modelArtifactType: 'model',
  maxConcurrent: 4,
} as const;

/** Where runs and artifacts go; the entity is resolved (viewer's default) before any write. */
export interface WandbTarget {
  entity: string;
  project: string;
}

/** A dataset version the pipeline already logged; used as the run's input instead of a copy. */
export interface DatasetArtifactRef {
  role: 'training' | 'validation';
  /** `entity/project/name:vN` */
  ref: string;
  fileId: string;
}

/**
 * A pipeline dataset whose W&B record the pipeline could not finish before the job (W&B did not
 * answer in its short budget): the sync versions it (when `ref` is missing) and records the file
 * id on it (unless `fileRecorded`), then uses it as the run's input.
 */
export interface OwedDataset {
  role: 'training' | 'validation';
  /** Where the worker reads it, its sha256, and what it was validated for. */
  path: string;
  digest: string;
  model: string;
  method: FineTuneMethodType;
  fileId: string;
  ref?: string;
  fileRecorded: boolean;
}

export interface SyncJobInput {
  jobId: string;
  project: string;
  entity?: string;
  overwrite: boolean;
  waitForJobSuccess: boolean;
  logDatasets: boolean;
  modelArtifactName: string;
  modelArtifactType: string;
  runOptions?: WandbRunOptions;
  wait?: Partial<WaitPolicy>;
  /** Set by the pipeline: its versioned datasets become the run's inputs. */
  datasets?: DatasetArtifactRef[];
  /** Set by the pipeline instead of `datasets` when W&B work before the job is owed. */
  catchUp?: { datasets: OwedDataset[] };
}

export type SyncOutcome =
  | {
      jobId: string;
      outcome: 'synced';
      runPath: string;
      jobStatus: string;
      historyRows: number;
      artifacts: string[];
      error?: JobError | null;
      /** The pipeline datasets used as inputs, when the sync versioned some of them itself. */
      datasets?: (DatasetArtifactRef & { created?: boolean })[];
    }
  | { jobId: string; outcome: 'skipped'; reason: string; runPath?: string };

export interface SyncFineTunesResult {
  target: { project: string; entity: string | null };
  synced: number;
  skipped: number;
  jobs: SyncOutcome[];
}

/** A W&B run as the "already synced?" check sees it. */
export interface ExistingRun {
  runPath: string;
  /** summary["status"], when the run has one. */
  status: string | null;
}

/** The job facts the sync needs beyond the pipeline's snapshot. */
export interface JobForSync {
  jobId: string;
  status: string;
  /** The base model trained, and the method (supervised unless the job says otherwise). */
  model?: string;
  method?: FineTuneMethodType;
  trainingFile: string;
  validationFile: string | null;
  resultFiles: string[];
  fineTunedModel: string | null;
  error: JobError | null;
  /** OpenAI's own W&B integration on this job, if any. */
  wandbIntegration: { project: string; entity: string | null } | null;
}
