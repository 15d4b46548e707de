import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import { listPipelines } from '../../client/list.js';
import { resolve } from '../../client/promotion.js';
import { DEFAULT_PROMOTION_ALIAS } from '../../shared/promotionTypes.js';
import { renderResolved } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { withWandbFlags, type WandbFlags } from '../wandbFlags.js';

interface ResolveFlags extends TemporalFlags, WandbFlags {
  json: boolean;
}

/**
 * No version holds the alias: either nothing was ever promoted, or a pipeline was and its W&B
 * record is gone (deleted, another W&B, a sandbox's W&B emulator started empty). Visibility says
 * which; `finetune lineage` on that pipeline says what exactly is missing.
 */
async function whyNothing(client: Client): Promise<string> {
  const [latest] = await listPipelines(client, { stage: 'promoted', limit: 1 }).catch(() => []);
  if (!latest) return 'no model has been promoted to it yet';
  return (
    `no version there, though pipeline ${latest.workflowId} in this namespace was promoted; ` +
    `if it promoted into this project, its W&B record is gone (\`finetune lineage ${latest.workflowId}\` says what is missing)`
  );
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
        `nothing holds "${alias}" in ${f.collection} (project ${f.project}) in W&B: ${await whyNothing(client)}`,
      );
    }
    process.stdout.write(f.json ? `${JSON.stringify(found)}\n` : `${renderResolved(found)}\n`);
  });
}
