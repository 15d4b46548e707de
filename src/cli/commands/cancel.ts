import { Command } from 'commander';
import { cancelPipeline, PipelineNotFoundError } from '../../client/pipeline.js';
import { startWorkerHint } from '../../client/pollers.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

const ENDED: Record<string, string> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'been cancelled',
  TERMINATED: 'been terminated',
  TIMED_OUT: 'timed out',
  CONTINUED_AS_NEW: 'continued as a new run',
};

export function cancelCommand(): Command {
  return withTemporalFlags(
    new Command('cancel')
      .description('Cancel a pipeline; its fine-tuning job at the provider is cancelled too')
      .argument('<workflowId>', 'the pipeline to cancel')
      .option('--json', 'print JSON', false),
  ).action(async (workflowId: string, f: TemporalFlags & { json: boolean }) => {
    const client = await clientFor(f);
    const outcome = await cancelPipeline(client, workflowId).catch((err: unknown) => {
      if (err instanceof PipelineNotFoundError) throw new UserError(err.message);
      throw new UserError(
        `Cannot cancel pipeline ${workflowId}: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    if (f.json) {
      process.stdout.write(`${JSON.stringify(outcome)}\n`);
      return;
    }
    if (!outcome.requested) {
      const how = ENDED[outcome.execution] ?? outcome.execution.toLowerCase();
      const when = outcome.closedAt ? ` at ${outcome.closedAt.toISOString()}` : '';
      process.stdout.write(
        `Nothing to cancel: pipeline ${workflowId} had already ${how}${when}. ` +
          `\`finetune status ${workflowId}\` shows how it ended.\n`,
      );
      return;
    }
    process.stdout.write(`cancellation requested for ${workflowId}\n`);
    if (outcome.workerPolling === false) {
      process.stderr.write(
        `note: no worker is polling task queue "${outcome.taskQueue}", so the pipeline (and its fine-tuning job) ` +
          `is cancelled only once one runs: \`${startWorkerHint(outcome.taskQueue)}\`.\n`,
      );
    }
  });
}
