import {
  driftVerdict,
  evalVerdict,
  piiVerdict,
  policyVerdict,
  tokenLimitVerdict,
} from '../gates/index.js';
import type { GateName, GatePolicy, GateResult } from '../shared/promotionTypes.js';
import { DEFAULT_PROMOTION_ALIAS } from '../shared/promotionTypes.js';
import { SYNC_DEFAULTS } from '../shared/syncTypes.js';
import { gateActivities, governanceReadActivities } from './activityOptions.js';
import { rethrowCancellation } from './failures.js';
import type { PromotionContext } from './promotionContext.js';
import { rootMessage } from '../shared/rootCause.js';

/**
 * A measurement that could not be taken fails closed: a blocking gate blocks, a warning gate
 * warns — the approver sees why either way.
 */
async function measured(
  gate: GateName,
  policy: GatePolicy,
  measure: () => Promise<GateResult>,
): Promise<GateResult> {
  if (policy === 'off') return { gate, policy, verdict: 'off', summary: `${gate}: off` };
  try {
    return await measure();
  } catch (err) {
    rethrowCancellation(err);
    return {
      gate,
      policy,
      verdict: policyVerdict(policy, true),
      summary: `${gate}: could not measure — ${rootMessage(err)}`,
    };
  }
}

/** Every gate, in the order a reviewer reads them. Defaults: all `warn`. */
export async function runGates(ctx: PromotionContext): Promise<GateResult[]> {
  const g = ctx.config.gates ?? {};
  const training = ctx.datasets.find((d) => d.role === 'training')!;
  const validation = ctx.datasets.find((d) => d.role === 'validation');
  const alias = ctx.config.alias ?? DEFAULT_PROMOTION_ALIAS;
  const results: GateResult[] = [
    piiVerdict(g.pii ?? 'warn', training.pii),
    tokenLimitVerdict(g.tokenLimit ?? 'warn', {
      overLimit: training.overLimit,
      lines: training.overLimitLines ?? [],
      contextLimit: training.contextLimit ?? 0,
    }),
  ];
  // The gates that need no W&B show at once; drift and eval read W&B, so they wait for the sync
  // (which also makes what W&B could not take before the job: the entity, the dataset versions).
  ctx.desk.record.gates = results;
  await ctx.wandb.synced('the drift and eval gates read W&B');
  const target = ctx.wandb.wandbTarget;
  const trainingRef = ctx.wandb.datasetRefs().find((d) => d.role === 'training')?.ref;
  results.push(
    await measured('drift', g.drift ?? 'warn', async () => {
      if (!target || !trainingRef) {
        return {
          gate: 'drift',
          policy: g.drift ?? 'warn',
          verdict: 'skipped',
          summary: 'drift: W&B is off for this pipeline — no production model to compare with',
        };
      }
      const report = await gateActivities.measureDrift({
        target,
        path: training.path,
        ref: trainingRef,
        alias,
        model: ctx.input.model,
        method: ctx.input.method?.type ?? 'supervised',
        thresholds: g.driftThresholds,
      });
      return driftVerdict(g.drift ?? 'warn', report);
    }),
  );

  const evalPolicy = g.eval ?? 'warn';
  const options = g.evalOptions ?? {};
  results.push(
    await measured('eval', evalPolicy, async () => {
      const production =
        target && options.compareProduction !== false ? await productionModel(ctx, alias) : null;
      const report = await gateActivities.evaluateForGate({
        jobId: ctx.job.jobId,
        models: [
          { role: 'candidate', model: ctx.job.fineTunedModel },
          { role: 'base', model: options.baseModel ?? ctx.input.model },
          ...(production && production.model !== ctx.job.fineTunedModel
            ? [{ role: 'production' as const, ...production }]
            : []),
        ],
        validationPath: validation?.path,
        options,
        target,
      });
      return evalVerdict(evalPolicy, report, options);
    }),
  );
  return results;
}

/** The model the alias serves now, to compare against; none (or unknown) is not an error. */
async function productionModel(
  ctx: PromotionContext,
  alias: string,
): Promise<{ model: string; callAs?: string } | null> {
  const target = ctx.wandb.wandbTarget;
  if (!target) return null;
  try {
    const now = await governanceReadActivities.resolveAlias({
      target,
      collection: SYNC_DEFAULTS.modelArtifactName,
      alias,
    });
    if (!now?.fineTunedModel) return null;
    return {
      model: now.fineTunedModel,
      ...(now.servedAs && now.servedAs !== now.fineTunedModel ? { callAs: now.servedAs } : {}),
    };
  } catch (err) {
    rethrowCancellation(err);
    return null;
  }
}
