import { Context } from '@temporalio/activity';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { summaryFromHistory } from '../../wandb/index.js';
import { withPulse } from '../pulse.js';
import { streaming } from '../failures.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';

/** Heartbeat checkpoint: history lines below this are stored on the server. */
interface HistoryCheckpoint {
  nextLine: number;
}

export interface LogHistoryInput {
  target: WandbTarget;
  runId: string;
  /** Where the provider reads the job's results from (a results file id, or the job's metrics). */
  resultsFileId: string;
}

export interface LogHistoryResult {
  rows: number;
  lines: number;
  /** Rows whose step repeated the previous one (merged) or went back (dropped), as W&B does. */
  merged: number;
  dropped: number;
  /** The summary W&B derives from history: last value of every key. Small: one value per column. */
  summary: Record<string, unknown>;
}

/**
 * Streams the job's results (the provider reads them: a results file, or a metrics endpoint) into
 * the run's history, one line per step, at fixed file-stream offsets from line 0: a retry, a
 * crash-and-resume or an overwrite re-sync rewrites the same lines instead of adding rows. Memory
 * stays flat in the results' size.
 */
export async function logResultsHistory(
  deps: WandbActivityDeps,
  input: LogHistoryInput,
): Promise<LogHistoryResult> {
  const wandb = requireWandb(deps);
  return withPulse<LogHistoryResult, HistoryCheckpoint>(async (pulse) => {
    const ctx = Context.current();
    const resumeFromLine =
      (ctx.info.heartbeatDetails as HistoryCheckpoint | undefined)?.nextLine ?? 0;
    const rows = deps.provider.results.history(input.resultsFileId, ctx.cancellationSignal);
    const fileStream = wandb.fileStream({ ...input.target, runId: input.runId });
    const result = await streaming(`Reading results file ${input.resultsFileId}`, () =>
      wandbCalling('Writing history to W&B', () =>
        fileStream.writeHistory(rows, {
          firstLine: 0,
          resumeFromLine,
          signal: ctx.cancellationSignal,
          onProgress: (p) => pulse.checkpoint({ nextLine: p.nextLine }),
        }),
      ),
    );
    return {
      rows: result.rowsRead,
      lines: result.nextLine,
      merged: result.mergedRows,
      dropped: result.droppedRows,
      summary: summaryFromHistory(result.lastValues),
    };
  });
}
