import { Command } from 'commander';
import { rollback } from '../../client/promotion.js';
import { DEFAULT_PROMOTION_ALIAS } from '../../shared/promotionTypes.js';
import { renderRollback } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { withWandbFlags, type WandbFlags } from '../wandbFlags.js';

interface RollbackFlags extends TemporalFlags, WandbFlags {
  to?: string;
  by: string;
  reason: string;
  alias: string;
  json: boolean;
}

export function rollbackCommand(): Command {
  return withWandbFlags(
    withTemporalFlags(
      new Command('rollback')
        .description(
          'Move the production alias back (default: to the version the current one replaced), for the model and its datasets',
        )
        .option('--to <version>', 'the version to go back to, e.g. v3')
        .requiredOption('--by <name>', 'who rolls back')
        .requiredOption('--reason <text>', 'why; recorded on both versions')
        .option('--alias <name>', 'the alias to move', DEFAULT_PROMOTION_ALIAS)
        .option('--json', 'print JSON', false),
    ),
  ).action(async (f: RollbackFlags) => {
    if (f.to !== undefined && !/^(v\d+|[A-Za-z0-9_.-]+)$/.test(f.to)) {
      throw new UserError(`--to ${f.to}: give a version such as v3 or an alias`);
    }
    const client = await clientFor(f);
    const result = await rollback(
      client,
      {
        project: f.project,
        entity: f.entity,
        collection: f.collection,
        alias: f.alias,
        to: f.to,
        by: f.by,
        reason: f.reason,
      },
      { taskQueue: f.taskQueue },
    ).catch((err: Error) => {
      throw new UserError(err.message);
    });
    process.stdout.write(
      f.json ? `${JSON.stringify(result)}\n` : `${renderRollback(result, f.by)}\n`,
    );
  });
}
