import type {
  LineageInput,
  LineageReport,
  ResolveInput,
  ResolvedAlias,
} from '../shared/governanceTypes.js';
import type { WandbTarget } from '../shared/syncTypes.js';
import { patched } from '@temporalio/workflow';
import { governanceReadActivities } from './activityOptions.js';
import { rethrowCancellation, wandbNotConfigured } from './failures.js';
import { PATCH } from './patches.js';

// Read-only workflows for `finetune resolve` and `finetune lineage`: they run on the worker, so the
// CLI needs no W&B key of its own — the worker's is the only one. The CLI now reads through
// standalone activities (src/client/reads.ts) and starts these only where the server has none or
// the worker predates them; they stay registered for that and for the histories that exist.

async function target(input: { project: string; entity?: string }): Promise<WandbTarget> {
  const t = await governanceReadActivities.resolveWandbTarget(input);
  if (!t) throw wandbNotConfigured('Reading W&B aliases and lineage');
  return t;
}

export async function resolveModelAlias(input: ResolveInput): Promise<ResolvedAlias | null> {
  const resolved = await governanceReadActivities.resolveAlias({
    target: await target(input),
    collection: input.collection,
    alias: input.alias,
  });
  if (resolved?.baseModel && patched(PATCH.servingRunway)) {
    // Deploy scripts should hear, from the one place they read, that the model is about to stop.
    try {
      const runway = await governanceReadActivities.checkTrainingRunway({
        model: resolved.baseModel,
        reportOnly: true,
      });
      resolved.servingUntil = runway.servingUntil;
      if (runway.warning) resolved.warning = runway.warning;
    } catch (err) {
      rethrowCancellation(err);
      // The answer stands without the dates.
    }
  }
  return resolved;
}

export async function traceModelLineage(input: LineageInput): Promise<LineageReport> {
  return governanceReadActivities.traceLineage({
    target: await target(input),
    collection: input.collection,
    start: input.start,
  });
}
