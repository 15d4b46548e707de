import { condition, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { combineGates, describeGates } from '../gates/index.js';
import { describeEstimatedCost, type EstimatedCost } from '../shared/estimatedCost.js';
import type { MoveRecord } from '../shared/governanceTypes.js';
import type { PromotionOutcome } from '../shared/promotionTypes.js';
import { DEFAULT_PROMOTION_ALIAS } from '../shared/promotionTypes.js';
import { FineTuneApprovedBy } from '../shared/searchAttributes.js';
import { candidateActivities, servingActivities } from './activityOptions.js';
import { awaitingApprovalText } from './details.js';
import { fineTuneCandidate } from './fineTuneCandidate.js';
import { rethrowCancellation } from './failures.js';
import { runGates } from './gates.js';
import { moveUnderLock } from './moveModelAlias.js';
import { PATCH } from './patches.js';
import type { PromotionContext } from './promotionContext.js';
import { eventDecision, eventGates, howToDecide, promotionCompleted } from './pipelineEvents.js';

const now = (): string => new Date(Date.now()).toISOString();

/** The gates' block, then what training cost (by the estimate before the job), for the approver. */
function withPrice(gatesText: string, cost: EstimatedCost | undefined): string {
  return cost ? `${gatesText}\n**Cost:** ${describeEstimatedCost(cost)}` : gatesText;
}

/**
 * The last stage: gates, then a person's decision (or auto-approval, a blocking gate, the
 * timeout), then the alias moves. Returns where the pipeline ended.
 */
export async function governPromotion(ctx: PromotionContext): Promise<'promoted' | 'rejected'> {
  const { config, desk, job } = ctx;
  const workflowId = workflowInfo().workflowId;
  const alias = config.alias ?? DEFAULT_PROMOTION_ALIAS;
  try {
    ctx.setStage('evaluating', 'running the gates: PII, token limit, drift, evaluation');
    desk.record.gates = await runGates(ctx);
    const verdict = combineGates(desk.record.gates);
    const gatesText = withPrice(describeGates(desk.record.gates), ctx.estimatedCost);
    const blocking = desk.record.gates.filter((g) => g.verdict === 'block').map((g) => g.summary);
    if (verdict.blocked) {
      desk.blockedBy = blocking.join('; ');
      await ctx.events.emit('gate.blocked', {
        ...ctx.eventRef(),
        alias,
        blockedBy: blocking,
        gates: eventGates(desk.record.gates),
      });
    }
    await ctx.wandb.synced('the model version is marked in W&B as the candidate');
    const marked = await markCandidate(ctx, workflowId);
    if (ctx.signing) {
      // Signed decisions are bound to this: the model, its data and what the gates found.
      desk.setCandidate(
        fineTuneCandidate({
          jobId: job.jobId,
          fineTunedModel: job.fineTunedModel,
          baseModel: ctx.input.model,
          model: marked?.digest ? { ref: marked.ref, digest: marked.digest } : null,
          datasets: ctx.datasets,
          datasetVersions: ctx.wandb.datasetRefs(),
          gates: desk.record.gates,
        }),
      );
    }

    if (verdict.blocked) {
      desk.decideAs('reject', { by: 'gates', comment: desk.blockedBy }, 'gate');
    } else if (config.autoApprove) {
      desk.decideAs('approve', config.autoApprove, 'auto');
    } else {
      ctx.setStage(
        'awaiting_approval',
        awaitingApprovalText(workflowId, workflowInfo().namespace, gatesText, desk.record.policy),
      );
      await ctx.events.emit('approval.requested', {
        ...ctx.eventRef(),
        alias,
        gates: eventGates(desk.record.gates),
        decide: howToDecide(workflowId, workflowInfo().namespace),
      });
      const decided = await condition(() => desk.decision !== undefined, config.approvalTimeoutMs);
      if (!decided) {
        desk.decideAs(
          config.onTimeout ?? 'reject',
          { by: 'timeout', comment: `no decision within ${config.approvalTimeoutMs} ms` },
          'timeout',
        );
      }
    }

    const decision = desk.decision!;
    await ctx.events.emit('approval.decided', {
      ...ctx.eventRef(),
      alias,
      decision: eventDecision(decision),
    });
    if (decision.decision === 'reject') {
      // Under a policy, every signed decision (approvals short of the quorum too) is logged.
      const signedReject = desk.signedRecord(true);
      await clearCandidate(
        ctx,
        signedReject && {
          id: `${workflowId}/reject`,
          at: now(),
          by: decision.by,
          how: decision.how,
          comment: decision.comment,
          workflowId,
          jobId: job.jobId,
          fineTunedModel: job.fineTunedModel,
          signed: signedReject,
        },
      );
      ctx.setStage(
        'rejected',
        `by ${decision.by} (${decision.how})${decision.comment ? `: ${decision.comment}` : ''}\n\n${gatesText}`,
      );
      return 'rejected';
    }
    upsertSearchAttributes([{ key: FineTuneApprovedBy, value: decision.by }]);
    const signed = desk.signedRecord();
    ctx.setStage('promoting', `approved by ${decision.by}; moving "${alias}"`);
    desk.record.promotion = await promote(ctx, alias, {
      id: `${workflowId}/promote`,
      at: now(),
      by: decision.by,
      how: decision.how,
      comment: decision.comment,
      workflowId,
      jobId: job.jobId,
      fineTunedModel: job.fineTunedModel,
      gates: desk.record.gates,
      ...(signed ? { signed } : {}),
    });
    const p = desk.record.promotion;
    ctx.setStage(
      'promoted',
      p.promoted
        ? `"${alias}" → ${p.modelVersion} (was ${p.replaced ?? 'none'}), approved by ${decision.by}`
        : `approved by ${decision.by}; ${p.note}`,
    );
    await ctx.events.emit(
      'promotion.completed',
      promotionCompleted(ctx.eventRef(), p, decision.by),
    );
    return 'promoted';
  } finally {
    desk.finish();
  }
}

async function promote(
  ctx: PromotionContext,
  alias: string,
  record: MoveRecord,
): Promise<PromotionOutcome> {
  // Serving first: on Azure a model answers only once deployed (and probed); the deployment is
  // recorded on the version, so rollback can point back at the one it replaced.
  const serving = patched(PATCH.servingAtPromotion)
    ? await servingActivities.prepareServing({
        model: ctx.job.fineTunedModel,
        purpose: 'production',
        name: ctx.job.jobId,
      })
    : undefined;
  if (serving) record.serving = serving;
  const target = ctx.wandb.wandbTarget;
  const model = ctx.wandb.modelVersion(ctx.job.jobId);
  if (!target || !model) {
    return {
      promoted: false,
      alias,
      ...(serving ? { serving } : {}),
      datasetVersions: [],
      note: target
        ? 'the model artifact was not synced to W&B, so no alias was moved (see the W&B errors)'
        : `${ctx.wandb.whyNoTarget}, so no alias was moved; the decision is recorded in this workflow`,
    };
  }
  const moved = await moveUnderLock(
    {
      kind: 'promote',
      target,
      alias,
      collection: model.collection,
      version: model.version,
      datasets: ctx.wandb.datasetRefs(),
      registry: ctx.config.registry,
      ...(ctx.config.pruneDeployments ? { pruneServing: true } : {}),
    },
    record,
  );
  return {
    promoted: true,
    alias,
    ...(serving ? { serving } : {}),
    modelVersion: moved.model.ref,
    replaced: moved.model.replaced,
    datasetVersions: moved.datasets,
    ...(moved.removed?.length ? { datasetsRemoved: moved.removed } : {}),
    registryLink: moved.registryLink,
    ...(moved.pruned ? { prunedDeployments: moved.pruned } : {}),
  };
}

/** Best effort: the review works without the `candidate` alias; a W&B error is reported. */
async function markCandidate(
  ctx: PromotionContext,
  workflowId: string,
): Promise<{ ref: string; digest?: string } | undefined> {
  const target = ctx.wandb.wandbTarget;
  const model = ctx.wandb.modelVersion(ctx.job.jobId);
  if (!target || !model) return undefined;
  try {
    return await candidateActivities.markCandidate({
      target,
      collection: model.collection,
      version: model.version,
      gates: ctx.desk.record.gates,
      datasets: ctx.wandb.datasetRefs(),
      ...(ctx.input.migratedFrom ? { migratedFrom: { ...ctx.input.migratedFrom } } : {}),
      record: { id: `${workflowId}/candidate`, at: now(), by: 'pipeline', workflowId },
    });
  } catch (err) {
    rethrowCancellation(err);
    ctx.wandb.report('marking the model version as candidate', err);
    return undefined;
  }
}

async function clearCandidate(ctx: PromotionContext, rejected?: MoveRecord): Promise<void> {
  const target = ctx.wandb.wandbTarget;
  const model = ctx.wandb.modelVersion(ctx.job.jobId);
  if (!target || !model) return;
  try {
    await candidateActivities.clearCandidate({
      target,
      ...model,
      ...(rejected ? { rejected } : {}),
    });
  } catch (err) {
    rethrowCancellation(err);
    ctx.wandb.report('removing the candidate alias', err);
  }
}
