import { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { getPipelineStatus, PipelineNotFoundError } from '../../client/pipeline.js';
import { watchProgressSignal } from '../../workflows/definitions.js';
import { secondsFrom } from '../numberOption.js';
import { renderStatus } from '../render.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

interface StatusFlags extends TemporalFlags {
  watch: boolean;
  json: boolean;
  interval: number;
}

export function statusCommand(): Command {
  return withTemporalFlags(
    new Command('status')
      .description('Show a pipeline: stage, datasets, job progress and loss')
      .argument('<workflowId>', 'the id printed by `finetune start`')
      .option('-w, --watch', 'refresh until the pipeline ends', false)
      .option(
        '--interval <seconds>',
        'refresh interval with --watch (0.5 or more)',
        secondsFrom(0.5),
        2,
      )
      .option('--json', 'print JSON', false),
  ).action(async (workflowId: string, f: StatusFlags) => {
    const client = await clientFor(f);
    const watcher = new WatchLease(Math.max(60_000, f.interval * 3_000));
    const show = async () => {
      const status = await getPipelineStatus(client, workflowId).catch((err: unknown) => {
        if (err instanceof PipelineNotFoundError) throw new UserError(err.message);
        throw new UserError(
          `Cannot read pipeline ${workflowId}: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
      if (f.json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else {
        if (f.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
        process.stdout.write(`${renderStatus(status, Date.now())}\n`);
      }
      if (f.watch && status.execution === 'RUNNING' && status.progress?.waitWorkflowId)
        await watcher.renew(client, status.progress.waitWorkflowId);
      return status.execution;
    };
    let execution = await show();
    while (f.watch && execution === 'RUNNING') {
      await new Promise((r) => setTimeout(r, f.interval * 1000));
      execution = await show();
    }
    if (execution === 'FAILED' || execution === 'TERMINATED' || execution === 'TIMED_OUT')
      process.exitCode = 2;
  });
}

/**
 * While `--watch` runs, the job's wait polls often and reads training metrics: a lease, renewed
 * when half of it is gone (not on every refresh, which would only grow the wait's history). Once
 * the watcher stops, the lease runs out and the poll goes sparse again.
 */
class WatchLease {
  private renewAt = 0;
  constructor(private readonly leaseMs: number) {}

  async renew(client: Client, waitWorkflowId: string): Promise<void> {
    if (Date.now() < this.renewAt) return;
    await client.workflow
      .getHandle(waitWorkflowId)
      .signal(watchProgressSignal, { leaseMs: this.leaseMs, by: 'cli' })
      .then(() => (this.renewAt = Date.now() + this.leaseMs / 2))
      .catch(() => undefined); // the wait may just have ended: nothing to watch
  }
}
