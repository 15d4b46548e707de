import { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { userInfo } from 'node:os';
import {
  getPipelineStatus,
  PipelineNotFoundError,
  type PipelineStatus,
} from '../../client/pipeline.js';
import { decisionCommands } from '../../shared/commandHints.js';
import { watchProgressSignal } from '../../workflows/definitions.js';
import { secondsFrom } from '../numberOption.js';
import { renderStatus } from '../render.js';
import { clientFor, reachOf, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { EXIT, EXIT_CODES_HELP, pipelineExitCode } from '../exitCodes.js';
import { UserError } from '../userError.js';

interface StatusFlags extends TemporalFlags {
  watch: boolean;
  json: boolean;
  interval: number;
}

/** Waiting for a person: at `awaiting_approval` with no decision taken yet. */
function awaitingDecision(s: PipelineStatus): boolean {
  const stage = s.progress?.stage ?? s.stage;
  const decided = s.progress?.approval?.decision !== undefined;
  return s.execution === 'RUNNING' && stage === 'awaiting_approval' && !decided;
}

/** Who the printed approve/reject commands decide as: this machine's user. */
function personName(): string {
  try {
    return userInfo().username || 'your-name';
  } catch {
    return 'your-name';
  }
}

export function statusCommand(): Command {
  return withTemporalFlags(
    new Command('status')
      .description('Show a pipeline: stage, datasets, job progress and loss')
      .argument('<workflowId>', 'the id printed by `finetune start`')
      .option(
        '-w, --watch',
        'refresh until the pipeline ends or waits for a decision (awaiting_approval: the commands that decide are printed)',
        false,
      )
      .option(
        '--interval <seconds>',
        'refresh interval with --watch (0.5 or more)',
        secondsFrom(0.5),
        2,
      )
      .option('--json', 'print JSON (with --watch: one object per refresh)', false),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (workflowId: string, f: StatusFlags) => {
      const client = await clientFor(f);
      // Runnable as printed: this machine's user, and the address and namespace used here.
      const decide = decisionCommands(workflowId, personName(), await reachOf(f));
      const watcher = new WatchLease(Math.max(60_000, f.interval * 3_000));
      const show = async (): Promise<PipelineStatus> => {
        // What of ours bills now is read once (a provider call), not on every --watch refresh.
        const status = await getPipelineStatus(client, workflowId, {
          serving: !f.watch,
        }).catch((err: unknown) => {
          if (err instanceof PipelineNotFoundError) throw new UserError(err.message);
          throw new UserError(
            `Cannot read pipeline ${workflowId}: ${err instanceof Error ? err.message : String(err)}`,
          );
        });
        const awaiting = awaitingDecision(status);
        if (f.json)
          process.stdout.write(
            `${JSON.stringify(awaiting ? { ...status, next: decide } : status)}\n`,
          );
        else {
          if (f.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
          process.stdout.write(`${renderStatus(status, Date.now(), decide)}\n`);
        }
        if (f.watch && status.execution === 'RUNNING' && status.progress?.waitWorkflowId)
          await watcher.renew(client, status.progress.waitWorkflowId);
        return status;
      };
      let status = await show();
      while (f.watch && status.execution === 'RUNNING' && !awaitingDecision(status)) {
        await new Promise((r) => setTimeout(r, f.interval * 1000));
        status = await show();
      }
      // Decided but not yet acted on: running, not waiting for a person.
      const stage = status.result?.stage ?? status.progress?.stage ?? status.stage;
      process.exitCode = awaitingDecision(status)
        ? EXIT.awaitingDecision
        : pipelineExitCode(status.execution, stage === 'awaiting_approval' ? undefined : stage);
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
