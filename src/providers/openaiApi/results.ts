import type OpenAI from 'openai';
import type { ResultsSummary } from '../../shared/types.js';
import type { HistoryRow } from '../../wandb/fileStream.js';
import { emptyBody, streaming } from '../../activities/failures.js';
import type { ProviderResults } from '../types.js';
import type { Calling } from './errors.js';
import { decodedResults, parseResultsRows, type ResultsRow } from './resultsFile.js';

const toNum = (v: string | undefined): number | null =>
  v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v);

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

/** The results file (plain or base64) as CSV rows; a cut-off stream is retried. */
async function* resultRows(
  client: OpenAI,
  calling: Calling,
  fileId: string,
  signal?: AbortSignal,
): AsyncGenerator<ResultsRow> {
  const response = await calling(`Downloading results file ${fileId}`, () =>
    client.files.content(fileId, { signal }),
  );
  if (!response.body) throw emptyBody(`results file ${fileId}`);
  const { stream } = await decodedResults(response.body);
  yield* parseResultsRows(stream);
}

/** Results of services that speak OpenAI's API: the job's results CSV file. */
export function resultsFiles(client: OpenAI, calling: Calling): ProviderResults {
  return {
    async *history(fileId, signal) {
      const rows = resultRows(client, calling, fileId, signal);
      for await (const row of streamingRows(fileId, rows)) {
        const h = resultsRowToHistory(row);
        if (h) yield h;
      }
    },
    async summarize(fileId, signal) {
      const response = await calling(`Downloading results file ${fileId}`, () =>
        client.files.content(fileId, { signal }),
      );
      if (!response.body) throw emptyBody(`results file ${fileId}`);
      const body = response.body;
      const summary: ResultsSummary = {
        fileId,
        rows: 0,
        columns: [],
        lastStep: null,
        finalTrainLoss: null,
        finalValidLoss: null,
        base64: false,
      };
      await streaming(`Reading results file ${fileId}`, async () => {
        const { stream, base64 } = await decodedResults(body);
        summary.base64 = base64;
        for await (const row of parseResultsRows(stream)) {
          if (summary.rows === 0) summary.columns = Object.keys(row);
          summary.rows++;
          summary.lastStep = toNum(row.step) ?? summary.lastStep;
          summary.finalTrainLoss = toNum(row.train_loss) ?? summary.finalTrainLoss;
          // Azure's file has full_valid_loss (the whole validation set) besides valid_loss (a batch).
          summary.finalValidLoss =
            toNum(row.full_valid_loss) ?? toNum(row.valid_loss) ?? summary.finalValidLoss;
        }
      });
      return summary;
    },
  };
}

/** A read that breaks off half-way is retried (a typed, retryable failure), not a bare error. */
async function* streamingRows<T>(fileId: string, rows: AsyncGenerator<T>): AsyncGenerator<T> {
  const it = rows[Symbol.asyncIterator]();
  for (;;) {
    const next = await streaming(`Reading results file ${fileId}`, () => it.next());
    if (next.done) return;
    yield next.value;
  }
}
