import { ApplicationFailure, condition, setCurrentDetails } from '@temporalio/workflow';
import { digestOf } from '../approvals/index.js';
import type { CandidateIdentity } from '../shared/approvalTypes.js';
import { ErrorType } from '../shared/errorTypes.js';
import type { MoveRecord, RollbackInput } from '../shared/governanceTypes.js';
import type { WandbTarget } from '../shared/syncTypes.js';
import { approvalPolicyActivities, promotionActivities } from './activityOptions.js';
import { ApprovalDesk } from './approval.js';

/** Who decided a rollback under a policy, and where exactly it goes. */
export interface RollbackApproved {
  by: string;
  comment?: string;
  signed: NonNullable<MoveRecord['signed']>;
  /** The version signed for (`vN`): the move goes there, not to a default read again. */
  toVersion: string;
}

const show = (side: unknown): string => {
  const s = side as { ref?: string } | null;
  return s?.ref ?? 'none';
};

/**
 * A rollback under the worker's approval policy: nothing moves until signed decisions bound to
 * this rollback (its workflow id, alias, the versions it leaves and goes to with their digests)
 * meet the policy's rollback quorum. The desk is the pipelines' own (same checks, same Update and
 * query), with no starter: whoever asks for a rollback signs it, so "self-approval" does not
 * apply; a quorum above one is what asks for a second person.
 */
export class RollbackApproval {
  private stage = 'starting';
  readonly desk = new ApprovalDesk({}, () => this.stage, 'rollback');

  constructor() {
    // Installed first, so a query or decision arriving at once is answered, not lost.
    this.desk.install();
  }

  /** Undefined: no policy, the rollback goes ahead as asked (names as typed). */
  async decide(input: RollbackInput, target: WandbTarget): Promise<RollbackApproved | undefined> {
    const policy = await approvalPolicyActivities.loadApprovalPolicy();
    this.desk.useSigning(policy);
    if (!policy) return this.done();
    if (!input.awaitSignedDecisions) {
      this.done();
      throw ApplicationFailure.nonRetryable(
        `the worker's approval policy (${policy.digest}) requires a signed rollback: finetune rollback --sign <ssh key> (or --print-payload, then --signature)`,
        ErrorType.PromotionRefused,
      );
    }
    const request = {
      kind: 'rollback' as const,
      target,
      alias: input.alias,
      collection: input.collection,
      version: input.to,
    };
    const asked = await promotionActivities.rollbackCandidate(request);
    this.desk.setCandidate(asked.identity);
    this.stage = 'awaiting_approval';
    const q = this.desk.record.quorum!;
    setCurrentDetails(
      `awaiting signed decisions to roll "${input.alias}" back: ${show(asked.identity.from)} → **${show(asked.identity.to)}** (${q.rule}; policy ${policy.digest})`,
    );
    const timeoutMs = input.decisionTimeoutMs ?? policy.policy.maxValidityMs;
    const decided = await condition(() => this.desk.decision !== undefined, timeoutMs);
    if (!decided) {
      this.desk.decideAs(
        'reject',
        { by: 'timeout', comment: `no quorum within ${timeoutMs} ms` },
        'timeout',
      );
    }
    this.done();
    const d = this.desk.decision!;
    if (d.decision === 'reject') {
      throw ApplicationFailure.nonRetryable(
        `the rollback of "${input.alias}" was rejected by ${d.by} (${d.how})${d.comment ? `: ${d.comment}` : ''}; nothing moved`,
        ErrorType.PromotionRefused,
      );
    }
    // The alias may have moved while signatures were gathered: what was signed must still hold.
    const now = await promotionActivities.rollbackCandidate({
      ...request,
      version: asked.toVersion,
    });
    if (digestOf(now.identity) !== digestOf(asked.identity)) {
      throw ApplicationFailure.nonRetryable(
        `approval drift: the rollback was signed for ${describe(asked.identity)}, but it is now ${describe(now.identity)}; nothing moved, ask again`,
        ErrorType.ApprovalDrift,
      );
    }
    this.stage = 'rolling_back';
    return {
      by: d.by,
      ...(d.comment ? { comment: d.comment } : {}),
      signed: this.desk.signedRecord()!,
      toVersion: asked.toVersion,
    };
  }

  private done(): undefined {
    this.stage = 'rolling_back';
    this.desk.finish();
    return undefined;
  }
}

function describe(c: CandidateIdentity): string {
  return `${show(c.from)} → ${show(c.to)}`;
}
