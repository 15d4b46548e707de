import type { Decision, DecisionKind, PromotionConfig } from '../shared/promotionTypes.js';
import type { PipelineStage } from '../shared/types.js';

/** The desk's part of a pipeline's promotion settings (a knowledge base uses the same). */
export type DeskConfig = Pick<PromotionConfig, 'approvers' | 'requireSecondPerson' | 'startedBy'>;

export interface ApprovalState {
  stage: PipelineStage | (string & {});
  decision?: Decision;
  config: DeskConfig;
  /** A blocking gate result, when one blocks promotion. */
  blockedBy?: string;
}

export interface DecisionAsk {
  decision: DecisionKind;
  by: string;
}

/**
 * Why a decision must not be taken, or undefined when it may. Pure, so the Update validator and
 * the signal handlers apply exactly the same rules, and the rules are unit-tested on their own.
 * The approvers list is a guard against mistakes, not security: who may signal or update a
 * workflow at all is Temporal's authorization.
 */
export function refusal(state: ApprovalState, ask: DecisionAsk): string | undefined {
  const by = ask.by.trim();
  if (!by) return 'say who decides: "by" is empty';
  if (state.decision) {
    const d = state.decision;
    return `already decided: ${d.decision === 'approve' ? 'approved' : 'rejected'} by ${d.by} (${d.how}) at ${d.at}`;
  }
  if (state.stage !== 'awaiting_approval') {
    return `not awaiting approval (stage: ${state.stage}); a decision is taken only at stage awaiting_approval`;
  }
  const approvers = state.config.approvers ?? [];
  if (approvers.length > 0 && !approvers.includes(by)) {
    return `"${by}" is not one of this pipeline's approvers (${approvers.join(', ')})`;
  }
  if (
    ask.decision === 'approve' &&
    state.config.requireSecondPerson &&
    state.config.startedBy !== undefined &&
    state.config.startedBy === by
  ) {
    return `"${by}" started this pipeline and may not approve it: a second person must (requireSecondPerson)`;
  }
  if (ask.decision === 'approve' && state.blockedBy) {
    return `a gate blocks promotion: ${state.blockedBy}`;
  }
  return undefined;
}

/**
 * Settings an approval policy does not allow: the starter may not loosen it, so nothing decides
 * an approval without the signed quorum (a timeout or a blocking gate may still reject).
 */
export function policyConfigProblems(
  config: Pick<PromotionConfig, 'autoApprove' | 'onTimeout' | 'approvalTimeoutMs'>,
  policyDigest: string,
): string[] {
  const problems: string[] = [];
  if (config.autoApprove) {
    problems.push(
      `autoApprove is not allowed: the worker's approval policy (${policyDigest}) requires signed approvals`,
    );
  }
  if (config.approvalTimeoutMs !== undefined && config.onTimeout === 'approve') {
    problems.push(
      `onTimeout "approve" is not allowed: the worker's approval policy (${policyDigest}) requires signed approvals (a timeout may reject)`,
    );
  }
  return problems;
}

/** Promotion config problems caught before the pipeline spends anything. */
export function promotionConfigProblems(config: PromotionConfig): string[] {
  const problems: string[] = [];
  if (config.approvalTimeoutMs !== undefined && !(config.approvalTimeoutMs > 0)) {
    problems.push(`approvalTimeoutMs must be a positive number of milliseconds`);
  }
  if (config.requireSecondPerson && !config.startedBy) {
    problems.push('requireSecondPerson needs startedBy (who started the pipeline)');
  }
  if (config.autoApprove && !config.autoApprove.by.trim()) {
    problems.push('autoApprove needs "by": who the scripted approval is recorded as');
  }
  if (
    config.autoApprove &&
    config.requireSecondPerson &&
    config.autoApprove.by === config.startedBy
  ) {
    problems.push('autoApprove as the starter contradicts requireSecondPerson');
  }
  if (
    config.alias !== undefined &&
    (!config.alias ||
      config.alias.length > 128 ||
      /[/:]/.test(config.alias) ||
      /^v\d+$/.test(config.alias))
  ) {
    problems.push(
      `alias "${config.alias}" is not a valid W&B alias (1–128 characters, no "/" or ":", not vN)`,
    );
  }
  if (config.alias === 'latest' || config.alias === 'candidate') {
    problems.push(`alias "${config.alias}" is managed by W&B or by the pipeline; choose another`);
  }
  return problems;
}
