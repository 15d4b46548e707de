import { Command } from 'commander';
import { getPipelineStatus, PipelineNotFoundError } from '../../client/pipeline.js';
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
