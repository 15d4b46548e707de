import { Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { HistoryRow } from '../../wandb/index.js';
import { calling } from '../openai/errors.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';

export interface LiveMetricsInput {
  target: WandbTarget;
  jobId: string;
  /** Steps up to this one are already in the run's history. */
  afterStep: number;
}

type MetricsEvent = { step?: unknown; [key: string]: unknown };

/** Metrics events newer than `afterStep`, oldest first (the API lists newest first). */
async function newMetrics(client: OpenAI, jobId: string, afterStep: number): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  const signal = Context.current().cancellationSignal;
  await calling(`Reading events of ${jobId}`, async () => {
    for await (const event of client.fineTuning.jobs.listEvents(
      jobId,
      { limit: 100 },
      { signal },
    )) {
      if (event.type !== 'metrics' || !event.data || typeof event.data !== 'object') continue;
      const { step, ...values } = event.data as MetricsEvent;
      if (typeof step !== 'number' || !Number.isInteger(step)) continue;
      if (step <= afterStep) break;
      rows.push({ step, values, timestamp: event.created_at });
    }
  });
  return rows.reverse();
}

/**
 * Streams the job's newest training metrics into the W&B run while it trains. Step s goes to
 * history line s-1 — the line the results file's row for that step lands on afterwards — so the
 * final sync overwrites these lines rather than adding rows.
 */
export async function appendLiveMetrics(
  deps: WandbActivityDeps,
  input: LiveMetricsInput,
): Promise<{ lastStep: number }> {
  const wandb = requireWandb(deps);
  const rows = await newMetrics(deps.openai, input.jobId, input.afterStep);
  const first = rows[0];
  if (!first) return { lastStep: input.afterStep };
  const stream = wandb.fileStream({ ...input.target, runId: input.jobId });
  await wandbCalling('Streaming live metrics to W&B', () =>
    stream.writeHistory(rows, {
      firstLine: first.step - 1,
      signal: Context.current().cancellationSignal,
    }),
  );
  return { lastStep: rows[rows.length - 1]!.step };
}
