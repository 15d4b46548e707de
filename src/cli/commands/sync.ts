import { Command } from 'commander';
import { rootMessage } from '../../client/pipeline.js';
import { renderSyncReport, startSync } from '../../client/sync.js';
import { SYNC_DEFAULTS, type SyncOptions } from '../../shared/syncTypes.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

interface SyncFlags extends TemporalFlags {
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
  taskQueue?: string;
  detach: boolean;
  json: boolean;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`--${flag} must be a whole number of 1 or more, got "${v}".`);
  return n;
}

export function syncCommand(): Command {
  return withTemporalFlags(
    new Command('sync')
      .description(
        'Sync fine-tuning jobs to W&B, like WandbLogger.sync() (the worker needs WANDB_API_KEY)',
      )
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
      .option(
        '--model-artifact-name <name>',
        'model_artifact_name',
        SYNC_DEFAULTS.modelArtifactName,
      )
      .option(
        '--model-artifact-type <type>',
        'model_artifact_type',
        SYNC_DEFAULTS.modelArtifactType,
      )
      .option('--tags <a,b>', 'run tags')
      .option('--notes <text>', 'run notes')
      .option('--group <name>', 'run group')
      .option('--concurrency <n>', 'jobs synced at once', String(SYNC_DEFAULTS.maxConcurrent))
      .option('--task-queue <name>', 'task queue of the worker')
      .option('--detach', 'print the workflow id and return', false)
      .option('--json', 'print JSON', false),
  ).action(async (f: SyncFlags) => {
    if (f.job && f.last) throw new UserError('Give --job or --last, not both.');
    const options: SyncOptions = {
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
    const client = await clientFor(f);
    const started = await startSync(client, options, { taskQueue: f.taskQueue });
    if (f.detach) {
      process.stdout.write(
        f.json
          ? `${JSON.stringify({ workflowId: started.workflowId })}\n`
          : `${started.workflowId}\n`,
      );
      return;
    }
    process.stderr.write(`syncing (workflow ${started.workflowId})…\n`);
    try {
      const result = await started.handle.result();
      process.stdout.write(
        f.json
          ? `${JSON.stringify({ workflowId: started.workflowId, ...result })}\n`
          : `${renderSyncReport(result)}\n`,
      );
    } catch (err) {
      throw new UserError(`sync ${started.workflowId} failed: ${rootMessage(err)}`);
    }
  });
}
