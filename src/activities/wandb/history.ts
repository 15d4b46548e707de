import { Context } from '@temporalio/activity';
import { decodedResults, parseResultsRows, type ResultsRow } from '../../openai/resultsFile.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { summaryFromHistory, type HistoryRow } from '../../wandb/index.js';
import { calling } from '../openai/errors.js';
import { withPulse } from '../pulse.js';
import { emptyBody, streaming } from '../failures.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';

/** Heartbeat checkpoint: history lines below this are stored on the server. */
interface HistoryCheckpoint {
  nextLine: number;
}

export interface LogHistoryInput {
  target: WandbTarget;
  runId: string;
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
 * One results CSV row as a history step: `step` becomes `_step`; every non-empty cell is logged
 * under its column name — as a number when it is one, as text otherwise (WandbLogger crashed on
 * text). Empty cells are left out, so a sparse valid_loss column never logs zeros.
 */
export function resultsRowToHistory(row: ResultsRow): HistoryRow | undefined {
  // Number('') is 0: a blank cell must stay blank, not become step 0 or a metric of 0.
  const stepText = row.step?.trim();
  const step = stepText ? Number(stepText) : Number.NaN;
  if (!Number.isInteger(step) || step < 0) return undefined;
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(row)) {
    if (key === 'step' || raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    values[key] = Number.isFinite(n) ? n : raw;
  }
  return { step, values };
}

async function* historyRows(rows: AsyncIterable<ResultsRow>): AsyncGenerator<HistoryRow> {
  for await (const row of rows) {
    const h = resultsRowToHistory(row);
    if (h) yield h;
  }
}

/**
 * Streams the job's results file (plain or base64) into the run's history, one line per step,
 * at fixed file-stream offsets from line 0: a retry, a crash-and-resume or an overwrite re-sync
 * rewrites the same lines instead of adding rows. Memory stays flat in the file's size.
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
    const response = await calling(`Downloading results file ${input.resultsFileId}`, () =>
      deps.openai.files.content(input.resultsFileId, { signal: ctx.cancellationSignal }),
    );
    if (!response.body) throw emptyBody(`results file ${input.resultsFileId}`);
    const { stream } = await decodedResults(response.body);
    const fileStream = wandb.fileStream({ ...input.target, runId: input.runId });
    const result = await streaming(`Reading results file ${input.resultsFileId}`, () =>
      wandbCalling('Writing history to W&B', () =>
        fileStream.writeHistory(historyRows(parseResultsRows(stream)), {
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
