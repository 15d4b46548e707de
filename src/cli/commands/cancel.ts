import { Command } from 'commander';
import { cancelPipeline } from '../../client/pipeline.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';

export function cancelCommand(): Command {
  return withTemporalFlags(
    new Command('cancel')
      .description('Cancel a pipeline; its OpenAI job is cancelled too')
      .argument('<workflowId>', 'the pipeline to cancel'),
  ).action(async (workflowId: string, f: TemporalFlags) => {
    const client = await clientFor(f);
    await cancelPipeline(client, workflowId);
    process.stdout.write(`cancellation requested for ${workflowId}\n`);
  });
}
