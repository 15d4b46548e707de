import type { ResultsSummary } from '../../shared/types.js';
import type { ProviderResults } from '../types.js';
import type { TogetherClients } from './client.js';
import type { TogetherCalling } from './errors.js';
import { metricsToHistory } from './metrics.js';

/**
 * A Together job's results are its metrics endpoint (`GET /fine-tunes/{id}/metrics`, W&B-style
 * keys, one train row per step and an eval row at evaluation steps): the job id is the result
 * "file" the snapshot hands out. One line per step, merged, so a re-sync never duplicates.
 */
export function togetherResults(c: TogetherClients, calling: TogetherCalling): ProviderResults {
  const all = (jobId: string, signal?: AbortSignal) =>
    calling(`Reading metrics of ${jobId}`, async () => {
      const res = await c.v1.fineTuning.listMetrics(jobId, {}, { signal });
      return res.metrics ?? [];
    });
  return {
    async *history(jobId, signal) {
      yield* metricsToHistory(await all(jobId, signal));
    },
    async summarize(jobId, signal): Promise<ResultsSummary> {
      const history = metricsToHistory(await all(jobId, signal));
      const columns = new Set<string>();
      let finalTrainLoss: number | null = null;
      let finalValidLoss: number | null = null;
      for (const h of history) {
        for (const k of Object.keys(h.values)) columns.add(k);
        const train = h.values['train/loss'];
        const valid = h.values['eval/loss'];
        if (typeof train === 'number') finalTrainLoss = train;
        if (typeof valid === 'number') finalValidLoss = valid;
      }
      return {
        fileId: jobId,
        rows: history.length,
        columns: ['step', ...columns],
        lastStep: history.at(-1)?.step ?? null,
        finalTrainLoss,
        finalValidLoss,
        base64: false,
      };
    },
  };
}
