import type {
  LineageInput,
  LineageReport,
  ResolveInput,
  ResolvedAlias,
} from '../shared/governanceTypes.js';
import type { WandbTarget } from '../shared/syncTypes.js';
import type { ServingState } from '../shared/providerTypes.js';
import { Context } from '@temporalio/activity';
import type { FineTuneProvider } from '../providers/types.js';
import { checkTrainingRunway } from './providerChecks.js';
import { pulsed } from './pulse.js';
import type { WandbActivityDeps } from './wandb/deps.js';
import { resolveAlias, traceLineage } from './wandb/resolve.js';
import { resolveWandbTarget } from './wandb/runs.js';

// `finetune resolve` and `finetune lineage`, each one activity the CLI runs on its own (a
// standalone activity, src/client/reads.ts): the read leaves no workflow execution behind, and
// it runs on the worker, so the CLI needs no W&B key of its own. The same steps as the read
// workflows (src/workflows/governanceReads.ts), which stay for servers without standalone
// activities and for histories that exist.

async function target(
  deps: WandbActivityDeps,
  input: ResolveInput | LineageInput,
): Promise<WandbTarget> {
  const t = await resolveWandbTarget(deps, { project: input.project, entity: input.entity });
  if (!t) throw new Error('unreachable: resolveWandbTarget without optional returns a target');
  return t;
}

export function createGovernanceReadActivities(deps: {
  wandb: WandbActivityDeps;
  provider: FineTuneProvider;
}) {
  return {
    /** What the alias points to now, with the base model's serving dates when they are known. */
    readModelAlias: pulsed(async (input: ResolveInput): Promise<ResolvedAlias | null> => {
      const resolved = await resolveAlias(deps.wandb, {
        target: await target(deps.wandb, input),
        collection: input.collection,
        alias: input.alias,
      });
      if (resolved && deps.provider.runningServing) {
        // Best effort: what of ours runs and bills now (the answer stands without it).
        resolved.running = await deps.provider
          .runningServing(Context.current().cancellationSignal)
          .catch(() => undefined);
      }
      if (!resolved?.baseModel) return resolved;
      try {
        // Deploy scripts hear, from the one place they read, that the model is about to stop.
        const runway = await checkTrainingRunway(deps.provider, {
          model: resolved.baseModel,
          reportOnly: true,
        });
        resolved.servingUntil = runway.servingUntil;
        if (runway.warning) resolved.warning = runway.warning;
      } catch {
        // The answer stands without the dates.
      }
      return resolved;
    }),
    /**
     * Everything of ours serving and billed now, with its cost per hour (status, resolve); null
     * when the worker's provider bills no serving of ours by the hour.
     */
    readRunningServing: pulsed(async (): Promise<ServingState[] | null> => {
      if (!deps.provider.runningServing) return null;
      return deps.provider.runningServing(Context.current().cancellationSignal);
    }),
    /** The audit chain of a model version (or the version of a job id). */
    readModelLineage: pulsed(async (input: LineageInput): Promise<LineageReport> =>
      traceLineage(deps.wandb, {
        target: await target(deps.wandb, input),
        collection: input.collection,
        start: input.start,
      }),
    ),
  };
}
