import type { WorkflowHandle } from '@temporalio/client';
import { estimatedCostOf, type EstimatedCost } from '../shared/estimatedCost.js';
import { rootMessage } from '../shared/rootCause.js';
import type { PipelineProgress } from '../shared/types.js';
import { progressQuery } from '../workflows/definitions.js';

// The training price of a pipeline that passed its pre-flight. A provider that prices uploaded
// files (Together) estimates right after upload, and the run stops there (its uploads deleted)
// when the provider will not go ahead or the figure is above `--max-cost`; other providers have
// our own estimate from the pre-flight. `finetune start` waits for it to report the figure.

export type CostOutcome =
  | { ended: false; estimatedCost?: EstimatedCost }
  /** The pipeline ended before its job: refused on price, or another failure. */
  | { ended: true; failure: string; estimatedCost?: EstimatedCost };

/** Whether this pipeline checks a price after upload (so its estimate comes later). */
export function priceComesAfterUpload(progress: PipelineProgress, maxCostUsd?: number): boolean {
  return progress.runway?.estimateAfterUpload === true || maxCostUsd !== undefined;
}

/**
 * Polls until the price is checked (or the pipeline is past upload, or ended). Needs a worker on
 * the pipeline's queue, as the pre-flight wait does.
 */
export async function waitForCostEstimate(
  handle: WorkflowHandle,
  opts: { pollMs?: number } = {},
): Promise<CostOutcome> {
  const pollMs = opts.pollMs ?? 250;
  for (;;) {
    const progress = await handle.query(progressQuery).catch(() => undefined);
    const estimatedCost = progress && estimatedCostOf(progress);
    const known = estimatedCost ? { estimatedCost } : {};
    if (progress?.cost && !progress.cost.refused) return { ended: false, ...known };
    if (progress && !['validating', 'uploading', 'failed', 'cancelled'].includes(progress.stage))
      return { ended: false, ...known };
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') {
      const failure = await handle.result().then(
        () => undefined,
        (err: unknown) => rootMessage(err),
      );
      if (failure === undefined) return { ended: false, ...known };
      return { ended: true, failure, ...known };
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
