import type { Command } from 'commander';
import { SYNC_DEFAULTS, type SyncOptions } from '../shared/syncTypes.js';
import { UserError } from './userError.js';

/** The flags `addSyncOptionFlags` defines, as commander hands them to the action. */
export interface SyncOptionFlags {
  job?: string;
  last?: string;
  overwrite: boolean;
  project: string;
  entity?: string;
  wait: boolean;
  datasets: boolean;
  modelArtifactName: string;
  modelArtifactType: string;
  tags?: string;
  notes?: string;
  group?: string;
  concurrency: string;
}

export function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`--${flag} must be a whole number of 1 or more, got "${v}".`);
  return n;
}

/** The `WandbLogger.sync()` options as flags, shared by `finetune sync` and `schedule-sync`. */
export function addSyncOptionFlags(cmd: Command): Command {
  return cmd
    .option('--job <id>', 'one job (fine_tune_job_id)')
    .option('--last <n>', 'the N newest jobs (num_fine_tunes); default: every job')
    .option('--overwrite', 'log again even if already synced', false)
    .option('--project <name>', 'W&B project', SYNC_DEFAULTS.project)
    .option('--entity <name>', "W&B entity (default: the API key's default entity)")
    .option(
      '--no-wait',
      'skip jobs that are not finished instead of waiting (wait_for_job_success=False)',
    )
    .option('--no-datasets', 'do not log training/validation files (log_datasets=False)')
    .option('--model-artifact-name <name>', 'model_artifact_name', SYNC_DEFAULTS.modelArtifactName)
    .option('--model-artifact-type <type>', 'model_artifact_type', SYNC_DEFAULTS.modelArtifactType)
    .option('--tags <a,b>', 'run tags')
    .option('--notes <text>', 'run notes')
    .option('--group <name>', 'run group')
    .option('--concurrency <n>', 'jobs synced at once', String(SYNC_DEFAULTS.maxConcurrent));
}

/** The workflow's `SyncOptions` from those flags; a contradiction or a bad number is a UserError. */
export function syncOptionsFromFlags(f: SyncOptionFlags): SyncOptions {
  if (f.job && f.last) throw new UserError('Give --job or --last, not both.');
  return {
    fineTuneJobId: f.job,
    numFineTunes: f.last ? positiveInt('last', f.last) : undefined,
    project: f.project,
    entity: f.entity,
    overwrite: f.overwrite,
    waitForJobSuccess: f.wait,
    logDatasets: f.datasets,
    modelArtifactName: f.modelArtifactName,
    modelArtifactType: f.modelArtifactType,
    maxConcurrent: positiveInt('concurrency', f.concurrency),
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
