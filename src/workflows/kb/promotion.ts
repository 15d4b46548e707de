import { condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { combineGates, describeGates } from '../../gates/index.js';
import type { EventKbRef } from '../../shared/eventTypes.js';
import type { KbPromotionConfig, KbStage, StoreRef } from '../../shared/knowledgeBaseTypes.js';
import type { PromotionOutcome } from '../../shared/promotionTypes.js';
import { FineTuneApprovedBy } from '../../shared/searchAttributes.js';
import type { ApprovalDesk } from '../approval.js';
import type { WorkflowEvents } from '../events.js';
import { eventDecision, eventGates } from '../pipelineEvents.js';
import { indexPointer, kbHowToDecide } from './events.js';
import { moveKbUnderLock } from './moveProduction.js';
import type { KbWandb } from './wandb.js';

const now = (): string => new Date(Date.now()).toISOString();

export interface KbPromotionContext {
  kb: string;
  config: KbPromotionConfig;
  desk: ApprovalDesk;
  store: StoreRef;
  /** The sealed candidate (the store's version id). */
  candidate: string;
  wandb: KbWandb;
  setStage: (stage: KbStage, details?: string) => void;
  /** Emits kb.* events (a no-op for runs from before them: patch kb-outgoing-events). */
  events: WorkflowEvents;
  eventRef: () => EventKbRef;
}

/**
 * The same desk as a fine-tune's promotion (approval.ts, approvalRules.ts): the gates are shown,
 * a blocking gate rejects, auto-approval or a person decides (signal or Update, approvers, second
 * person, timeout). On approval production moves — the store's pointer, then W&B's alias on the
 * index, documents and chunks versions — under the knowledge base's lock.
 */
export async function governKbPromotion(ctx: KbPromotionContext): Promise<'promoted' | 'rejected'> {
  const { config, desk } = ctx;
  const { workflowId, namespace } = workflowInfo();
  try {
    const verdict = combineGates(desk.record.gates);
    const gatesText = describeGates(desk.record.gates);
    const blocking = desk.record.gates.filter((g) => g.verdict === 'block').map((g) => g.summary);
    if (verdict.blocked) desk.blockedBy = blocking.join('; ');
    if (verdict.blocked) {
      await ctx.events.emit('kb.gate.blocked', {
        ...ctx.eventRef(),
        alias: 'production',
        blockedBy: blocking,
        gates: eventGates(desk.record.gates),
      });
    }
    if (verdict.blocked) {
      desk.decideAs('reject', { by: 'gates', comment: desk.blockedBy }, 'gate');
    } else if (config.autoApprove) {
      desk.decideAs('approve', config.autoApprove, 'auto');
    } else {
      ctx.setStage('awaiting_approval', awaitingText(workflowId, ctx.kb, gatesText));
      await ctx.events.emit('kb.approval.requested', {
        ...ctx.eventRef(),
        alias: 'production',
        gates: eventGates(desk.record.gates),
        decide: kbHowToDecide(workflowId, namespace),
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
    await ctx.events.emit('kb.approval.decided', {
      ...ctx.eventRef(),
      alias: 'production',
      decision: eventDecision(decision),
    });
    if (decision.decision === 'reject') {
      ctx.setStage(
        'rejected',
        `by ${decision.by} (${decision.how})${decision.comment ? `: ${decision.comment}` : ''}\n\n${gatesText}`,
      );
      return 'rejected';
    }
    upsertSearchAttributes([{ key: FineTuneApprovedBy, value: decision.by }]);
    ctx.setStage('promoting', `approved by ${decision.by}; moving production to ${ctx.candidate}`);
    const wandb = ctx.wandb.promotion();
    const moved = await moveKbUnderLock(
      {
        kind: 'promote',
        kb: ctx.kb,
        store: ctx.store.location,
        to: ctx.candidate,
        ...(wandb ? { wandb } : {}),
      },
      {
        id: `${workflowId}/promote`,
        at: now(),
        by: decision.by,
        how: decision.how,
        comment: decision.comment,
        workflowId,
        gates: desk.record.gates,
      },
    );
    const outcome: PromotionOutcome = {
      promoted: true,
      alias: 'production',
      ...(moved.wandb
        ? { modelVersion: moved.wandb.model.ref, replaced: moved.wandb.model.replaced }
        : {}),
      datasetVersions: moved.wandb?.datasets ?? [],
      index: {
        kb: ctx.kb,
        store: ctx.store.kind,
        location: ctx.store.location,
        from: moved.from,
        to: moved.to,
        moved: moved.moved,
      },
      ...(wandb
        ? {}
        : {
            note: `production moved in the store only: ${ctx.wandb.result.skipped ?? 'the index has no W&B version (see the W&B errors)'}`,
          }),
    };
    desk.record.promotion = outcome;
    ctx.setStage(
      'promoted',
      `production → ${moved.to} (was ${moved.from ?? 'none'})${moved.wandb ? `, ${moved.wandb.model.ref}` : ''}, approved by ${decision.by}`,
    );
    await ctx.events.emit('kb.promotion.completed', {
      ...ctx.eventRef(),
      alias: 'production',
      approvedBy: decision.by,
      index: indexPointer(ctx.store.kind, moved),
      ...(moved.wandb
        ? { indexVersionRef: moved.wandb.model.ref, replacedRef: moved.wandb.model.replaced }
        : {}),
      datasetVersions: (moved.wandb?.datasets ?? []).map((d) => ({ role: d.role, ref: d.ref })),
      ...(outcome.note ? { note: outcome.note } : {}),
    });
    return 'promoted';
  } finally {
    desk.finish();
  }
}

function awaitingText(workflowId: string, kb: string, gatesText: string): string {
  return [
    `a person decides whether this index becomes production of knowledge base ${kb}`,
    gatesText,
    `**Decide:** \`finetune kb approve ${workflowId} --by NAME\` or \`finetune kb reject ${workflowId} --by NAME\`, ` +
      'or **Send a Signal** `approvePromotion` / `rejectPromotion` with input `{"by": "your-name"}`.',
  ].join('\n\n');
}
