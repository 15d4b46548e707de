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

const CONNECT_NOTICE_MS = 2_000;

export async function clientFor(flags: TemporalFlags): Promise<Client> {
  // Loaded on first use, so that `--help` and argument errors never load the Temporal client.
  const { connectClient } = await import('../temporal/connection.js');
  const where = flags.address ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  // A server that does not answer takes its 10 s deadline: say what the wait is.
  const slow = setTimeout(
    () => process.stderr.write(`connecting to Temporal at ${where}…\n`),
    CONNECT_NOTICE_MS,
  );
  try {
    return await connectClient(flags);
  } catch (err) {
    throw new UserError(
      `Cannot connect to Temporal (${where}): ` +
        `${(err as Error).message}. Start a server (e.g. \`finetune sandbox\` or \`temporal server start-dev\`) ` +
        'or set TEMPORAL_ADDRESS.',
    );
  } finally {
    clearTimeout(slow);
  }
}

/** Where the command connects (flags, then TEMPORAL_ADDRESS / temporal.toml): for printed commands. */
export async function reachOf(flags: TemporalFlags): Promise<Reach> {
  const { temporalConnectConfig } = await import('../temporal/connection.js');
  const { connectionOptions, namespace } = temporalConnectConfig(flags);
  return { address: connectionOptions.address, namespace };
}
