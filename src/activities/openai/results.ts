import type OpenAI from 'openai';
import type { ResultsSummary } from '../../shared/types.js';
import { decodedResults, parseResultsRows } from '../../openai/resultsFile.js';
import { calling } from './errors.js';
import { emptyBody, streaming } from '../failures.js';

const toNum = (v: string | undefined): number | null =>
  v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v);

/** Streams the results file (plain or base64) and returns only a summary for history. */
export async function summarizeResults(client: OpenAI, fileId: string): Promise<ResultsSummary> {
  const response = await calling(`Downloading results file ${fileId}`, () =>
    client.files.content(fileId),
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
}
