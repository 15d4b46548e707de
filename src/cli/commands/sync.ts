import { Command, Option } from 'commander';
import { rootMessage } from '../../client/pipeline.js';
import { NoWorkerError, requireWorker } from '../../client/pollers.js';
import { renderSyncReport, startSync } from '../../client/sync.js';
import { defaultTaskQueue, PROVIDER_NAMES } from '../../providers/registry.js';
import { TASK_QUEUE } from '../../shared/types.js';
import { WorkflowEndedError } from '../exitCodes.js';
import { addSyncOptionFlags, syncOptionsFromFlags, type SyncOptionFlags } from '../syncOptions.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { addWaitFlags, type WaitFlags } from '../waitFlags.js';

interface SyncFlags extends TemporalFlags, SyncOptionFlags, WaitFlags {
  taskQueue?: string;
  provider?: string;
  workerCheck: boolean;
  json: boolean;
}

export function syncCommand(): Command {
  return withTemporalFlags(
    addWaitFlags(
      addSyncOptionFlags(
        new Command('sync').description(
          'Sync fine-tuning jobs to W&B, like WandbLogger.sync() (the worker needs WANDB_API_KEY); waits for the sync unless --detach',
        ),
      ),
      'the sync',
    )
      .option('--task-queue <name>', 'task queue of the worker')
      .addOption(
        new Option(
          '--provider <name>',
          "sync that provider's jobs: its worker's default task queue (--task-queue wins)",
        ).choices(PROVIDER_NAMES),
      )
      .option(
        '--no-worker-check',
        'start even when no worker polls the task queue (the sync waits for one)',
      )
      .option('--json', 'print JSON', false),
  ).action(async (f: SyncFlags) => {
    const options = syncOptionsFromFlags(f);
    const taskQueue = f.taskQueue ?? (f.provider ? defaultTaskQueue(f.provider) : TASK_QUEUE);
    const client = await clientFor(f);
    if (f.workerCheck) {
      await requireWorker(
        client,
        taskQueue,
        'the sync',
        'pass --task-queue with the queue your worker listens on, or --no-worker-check to start it anyway.',
      ).catch((err: unknown) => {
        if (err instanceof NoWorkerError)
          throw new UserError(`${err.message}\nNothing was started.`);
        throw err;
      });
    }
    const started = await startSync(client, options, { taskQueue });
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
      throw new WorkflowEndedError(`sync ${started.workflowId} failed: ${rootMessage(err)}`);
    }
  });
}
