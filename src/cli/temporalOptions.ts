import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { Reach } from '../shared/commandHints.js';
import { UserError } from './userError.js';

export interface TemporalFlags {
  address?: string;
  namespace?: string;
}

/** Flags override TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / temporal.toml. */
export function withTemporalFlags(cmd: Command): Command {
  return cmd
    .option(
      '--address <host:port>',
      'Temporal frontend (default: $TEMPORAL_ADDRESS or localhost:7233)',
    )
    .option('--namespace <ns>', 'Temporal namespace (default: $TEMPORAL_NAMESPACE or default)');
}

export async function clientFor(flags: TemporalFlags): Promise<Client> {
  // Loaded on first use, so that `--help` and argument errors never load the Temporal client.
  const { connectClient } = await import('../temporal/connection.js');
  try {
    return await connectClient(flags);
  } catch (err) {
    throw new UserError(
      `Cannot connect to Temporal (${flags.address ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233'}): ` +
        `${(err as Error).message}. Start a server (e.g. \`finetune sandbox\` or \`temporal server start-dev\`) ` +
        'or set TEMPORAL_ADDRESS.',
    );
  }
}

/** Where the command connects (flags, then TEMPORAL_ADDRESS / temporal.toml): for printed commands. */
export async function reachOf(flags: TemporalFlags): Promise<Reach> {
  const { temporalConnectConfig } = await import('../temporal/connection.js');
  const { connectionOptions, namespace } = temporalConnectConfig(flags);
  return { address: connectionOptions.address, namespace };
}
