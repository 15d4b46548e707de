import type { Client } from '@temporalio/client';
import type { ServingState } from '../shared/providerTypes.js';
import { readOnWorker } from './reads.js';

/**
 * Everything of ours serving and billed now, with its cost per hour, as the worker on
 * `taskQueue` sees it at its provider (a standalone activity). Undefined when the provider bills
 * no serving of ours by the hour, or the worker cannot answer (no worker, an older one, a
 * server without standalone activities): `status` shows the rest without it.
 */
export async function readRunningServing(
  client: Client,
  taskQueue: string,
): Promise<ServingState[] | undefined> {
  try {
    const running = await readOnWorker<ServingState[] | null | undefined>(
      client,
      { what: 'list running endpoints', activity: 'readRunningServing', input: {}, taskQueue },
      () => Promise.resolve(undefined),
    );
    return running ?? undefined;
  } catch {
    return undefined;
  }
}
