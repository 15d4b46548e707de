import { Command } from 'commander';
import { traceFrom } from '../../client/lineage.js';
import { renderLineage } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { withWandbFlags, type WandbFlags } from '../wandbFlags.js';

interface LineageFlags extends TemporalFlags, WandbFlags {
  json: boolean;
}

export function lineageCommand(): Command {
  return withWandbFlags(
    withTemporalFlags(
      new Command('lineage')
        .description(
          'The audit chain: dataset version → provider file → job → W&B run → model version → aliases, approver, what it replaced',
        )
        .argument(
          '<start>',
          'a model version (model-metadata:v3), a job id, or a pipeline workflow id',
        )
        .option('--json', 'print JSON', false),
    ),
  ).action(async (start: string, f: LineageFlags) => {
    const client = await clientFor(f);
    const answer = await traceFrom(client, start, f).catch((err: Error) => {
      throw new UserError(err.message);
    });
    process.stdout.write(f.json ? `${JSON.stringify(answer)}\n` : `${renderLineage(answer)}\n`);
  });
}
