import type { Command } from 'commander';
import { integerFrom } from './numberOption.js';
import { SYNC_DEFAULTS, type SyncOptions } from '../shared/syncTypes.js';
import { UserError } from './userError.js';

/** The flags `addSyncOptionFlags` defines, as commander hands them to the action. */
export interface SyncOptionFlags {
  job?: string;
  last?: number;
  overwrite: boolean;
  project: string;
  entity?: string;
  waitForJobSuccess: boolean;
  datasets: boolean;
  modelArtifactName: string;
  modelArtifactType: string;
  tags?: string;
  notes?: string;
  group?: string;
  concurrency: number;
}

/** The `WandbLogger.sync()` options as flags, shared by `finetune sync` and `schedule-sync`. */
export function addSyncOptionFlags(cmd: Command): Command {
  return cmd
    .option('--job <id>', 'one job (fine_tune_job_id)')
    .option('--last <n>', 'the N newest jobs (num_fine_tunes); default: every job', integerFrom(1))
    .option('--overwrite', 'log again even if already synced', false)
    .option('--project <name>', 'W&B project', SYNC_DEFAULTS.project)
    .option('--entity <name>', "W&B entity (default: the API key's default entity)")
    .option(
      '--no-wait-for-job-success',
      'skip jobs that are not finished instead of waiting (wait_for_job_success=False)',
    )
    .option('--no-datasets', 'do not log training/validation files (log_datasets=False)')
    .option('--model-artifact-name <name>', 'model_artifact_name', SYNC_DEFAULTS.modelArtifactName)
    .option('--model-artifact-type <type>', 'model_artifact_type', SYNC_DEFAULTS.modelArtifactType)
    .option('--tags <a,b>', 'run tags')
    .option('--notes <text>', 'run notes')
    .option('--group <name>', 'run group')
    .option(
      '--concurrency <n>',
      'jobs synced at once',
      integerFrom(1),
      SYNC_DEFAULTS.maxConcurrent,
    );
}

/** The workflow's `SyncOptions` from those flags; a contradiction or a bad number is a UserError. */
export function syncOptionsFromFlags(f: SyncOptionFlags): SyncOptions {
  if (f.job && f.last) throw new UserError('Give --job or --last, not both.');
  return {
    fineTuneJobId: f.job,
    numFineTunes: f.last,
    project: f.project,
    entity: f.entity,
    overwrite: f.overwrite,
    waitForJobSuccess: f.waitForJobSuccess,
    logDatasets: f.datasets,
    modelArtifactName: f.modelArtifactName,
    modelArtifactType: f.modelArtifactType,
    maxConcurrent: f.concurrency,
    runOptions: {
      tags: f.tags
        ? f.tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : undefined,
      notes: f.notes,
      group: f.group,
    },
  };
}
