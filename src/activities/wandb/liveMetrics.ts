import { Context } from '@temporalio/activity';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';

export interface LiveMetricsInput {
  target: WandbTarget;
  jobId: string;
  /** Steps up to this one are already in the run's history. */
  afterStep: number;
}
/**
 * Streams the job's newest training metrics into the W&B run while it trains. Step s goes to
 * history line s-1 — the line the results' row for that step lands on afterwards — so the final
 * sync overwrites these lines rather than adding rows.
 */
export async function appendLiveMetrics(
  deps: WandbActivityDeps,
  input: LiveMetricsInput,
): Promise<{ lastStep: number }> {
  const wandb = requireWandb(deps);
  const rows = await deps.provider.jobs.metricsAfter(
    input.jobId,
    input.afterStep,
    Context.current().cancellationSignal,
  );
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
