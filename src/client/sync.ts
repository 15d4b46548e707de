import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SyncFineTunesResult, SyncOptions } from '../shared/syncTypes.js';
import { TASK_QUEUE } from '../shared/types.js';
import type { syncFineTunes } from '../workflows/syncFineTunes.js';

export interface StartedSync {
  workflowId: string;
  handle: WorkflowHandle<typeof syncFineTunes>;
}

/** Starts the `WandbLogger.sync()` equivalent; `handle.result()` says what was synced and skipped. */
export async function startSync(
  client: Client,
  options: SyncOptions,
  start: { workflowId?: string; taskQueue?: string } = {},
): Promise<StartedSync> {
  const workflowId = start.workflowId ?? `wandb-sync-${randomUUID()}`;
  const what =
    options.fineTuneJobId ??
    (options.numFineTunes ? `last ${options.numFineTunes} jobs` : 'all jobs');
  const handle = await client.workflow.start<typeof syncFineTunes>('syncFineTunes', {
    workflowId,
    taskQueue: start.taskQueue ?? TASK_QUEUE,
    args: [options],
    staticSummary: `sync ${what} to W&B`,
  });
  return { workflowId, handle };
}

/** A plain-text report: one line per job, synced or skipped and why. */
export function renderSyncReport(r: SyncFineTunesResult): string {
  const lines = r.jobs.map((j) =>
    j.outcome === 'synced'
      ? `synced   ${j.jobId}  → ${j.runPath} (${j.jobStatus}, ${j.historyRows} history rows, ${j.artifacts.length} artifacts)`
      : `skipped  ${j.jobId}  — ${j.reason}${j.runPath ? ` (${j.runPath})` : ''}`,
  );
  lines.push(`${r.synced} synced, ${r.skipped} skipped (project ${r.target.project})`);
  return lines.join('\n');
}
