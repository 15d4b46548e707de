import { Command } from 'commander';
import { resolve } from '../../client/promotion.js';
import { DEFAULT_PROMOTION_ALIAS } from '../../shared/promotionTypes.js';
import { renderResolved } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { withWandbFlags, type WandbFlags } from '../wandbFlags.js';

interface ResolveFlags extends TemporalFlags, WandbFlags {
  json: boolean;
}

export function resolveCommand(): Command {
  return withWandbFlags(
    withTemporalFlags(
      new Command('resolve')
        .description('Print the fine-tuned model id an alias (default production) points to now')
        .argument('[alias]', 'the alias', DEFAULT_PROMOTION_ALIAS)
        .option('--json', 'print JSON', false),
    ),
  ).action(async (alias: string, f: ResolveFlags) => {
    const client = await clientFor(f);
    const found = await resolve(
      client,
      { project: f.project, entity: f.entity, collection: f.collection, alias },
      { taskQueue: f.taskQueue },
    ).catch((err: Error) => {
      throw new UserError(err.message);
    });
    if (!found) {
      if (f.json) process.stdout.write('null\n');
      throw new UserError(
        `nothing holds "${alias}" in ${f.collection} (project ${f.project}): no model has been promoted to it yet`,
      );
    }
    process.stdout.write(f.json ? `${JSON.stringify(found)}\n` : `${renderResolved(found)}\n`);
  });
}
