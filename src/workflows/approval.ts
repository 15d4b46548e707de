import { ApplicationFailure, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  checkSignedDecision,
  digestOf,
  parsePayload,
  parsePublicKeyLine,
  quorumOf,
  ruleFor,
  summarizePolicy,
  type Checked,
} from '../approvals/index.js';
import type {
  ApprovalAction,
  ApprovalRequestView,
  CandidateIdentity,
  LoadedPolicy,
  SignedDecision,
  SignedRecord,
  SignedVote,
} from '../shared/approvalTypes.js';
import { ErrorType } from '../shared/errorTypes.js';
import type {
  ApprovalRecord,
  Decision,
  DecisionChannel,
  DecisionKind,
  DecisionReply,
  DecisionRequest,
} from '../shared/promotionTypes.js';
import { refusal, type DeskConfig } from './approvalRules.js';
import {
  approvalRequestQuery,
  approvePromotionSignal,
  decidePromotionUpdate,
  HANDLER_DESCRIPTIONS,
  rejectPromotionSignal,
  type DecideRequest,
} from './definitions.js';

const now = (): string => new Date(Date.now()).toISOString();

/** Said when no approval policy applies. */
export const UNVERIFIED_NOTE =
  'no approval policy on the worker: decisions record names as typed, not verified (FINETUNE_APPROVAL_POLICY)';

/**
 * Where a pipeline's promotion (or a rollback) is decided. Handlers are installed when the
 * pipeline starts, so a signal sent too early (or by someone not allowed) is recorded and shown,
 * never silently lost. Signals and the Update go through the same rules (approvalRules.ts).
 *
 * With an approval policy (`useSigning`, recorded at the start), a decision must be signed by a
 * key of the policy and bound to this pipeline and its candidate (`setCandidate`, identity data
 * the pipeline chooses); approvals count towards the policy's quorum. Verification is pure code
 * over history (src/approvals), so replay reaches the same verdicts.
 */
export class ApprovalDesk {
  readonly record: ApprovalRecord = { gates: [], ignored: [] };
  /** The reason a gate blocks promotion, when one does. */
  blockedBy?: string;
  private finished = false;
  /** Undefined: a run from before signing (no note either); null: no policy. */
  private signing?: LoadedPolicy | null;

  constructor(
    private readonly config: DeskConfig | false,
    private readonly stage: () => string,
    private readonly action: ApprovalAction = 'promote',
  ) {}

  get decision(): Decision | undefined {
    return this.record.decision;
  }

  /** The policy recorded at the start (null: none, decisions stay names as typed). */
  useSigning(policy: LoadedPolicy | null): void {
    this.signing = policy;
    if (policy) {
      this.record.policy = summarizePolicy(policy, this.action);
      this.record.votes = [];
      this.record.quorum = quorumOf(ruleFor(policy.policy, this.action), []);
    } else {
      this.record.note = UNVERIFIED_NOTE;
    }
  }

  /** What signed decisions are bound to; set once the candidate is known (after the gates). */
  setCandidate(identity: CandidateIdentity): void {
    this.record.candidate = { identity, digest: digestOf(identity) };
  }

  /**
   * The policy's decisions, for the governance log: verifiable later by anyone. `all`: every
   * signed decision taken (for a rejection: approvals short of the quorum too), not only those
   * that decided.
   */
  signedRecord(all = false): (SignedRecord & { policy: LoadedPolicy['policy'] }) | undefined {
    const signed = all ? this.record.votes : this.record.decision?.signed;
    if (!this.signing || !signed?.length) return undefined;
    return {
      policyDigest: this.signing.digest,
      decisions: signed.map((v) => v.signed),
      policy: this.signing.policy,
    };
  }

  install(): void {
    setHandler(approvePromotionSignal, (req) => this.fromSignal('approve', req), {
      description: HANDLER_DESCRIPTIONS.approvePromotion,
    });
    setHandler(rejectPromotionSignal, (req) => this.fromSignal('reject', req), {
      description: HANDLER_DESCRIPTIONS.rejectPromotion,
    });
    setHandler(approvalRequestQuery, () => this.view(), {
      description: HANDLER_DESCRIPTIONS.approvalRequest,
    });
    setHandler(
      decidePromotionUpdate,
      async (req): Promise<DecisionReply> => {
        // The validator ran first; a signal may have decided in the same activation since.
        const verdict = this.judge(req.decision, req);
        if (typeof verdict === 'string') {
          throw ApplicationFailure.nonRetryable(verdict, ErrorType.PromotionRefused);
        }
        const pending = this.accept(req.decision, req, 'update', verdict);
        if (pending) return { accepted: true, pending };
        await condition(() => this.finished);
        return {
          accepted: true,
          decision: this.record.decision!,
          promotion: this.record.promotion,
        };
      },
      {
        validator: (req: DecideRequest) => {
          const verdict = this.judge(req?.decision, req ?? { by: '' });
          if (typeof verdict === 'string') {
            throw ApplicationFailure.nonRetryable(verdict, ErrorType.PromotionRefused);
          }
        },
        description: HANDLER_DESCRIPTIONS.decidePromotion,
      },
    );
  }

  /** Decides without a person: auto-approval, a blocking gate, or the approval timeout. */
  decideAs(decision: DecisionKind, req: DecisionRequest, how: DecisionChannel): void {
    if (!this.record.decision) this.take(decision, req, how);
  }

  /** Promotion (or rejection) is done: Update callers get their answer. */
  finish(): void {
    this.finished = true;
  }

  private view(): ApprovalRequestView {
    const config = this.config || undefined;
    return {
      workflowId: workflowInfo().workflowId,
      action: this.action,
      candidate: this.record.candidate?.identity ?? null,
      candidateDigest: this.record.candidate?.digest ?? null,
      policy: this.record.policy ?? null,
      signers: (this.signing?.policy.signers ?? []).map((s) => ({
        principal: s.principal,
        roles: s.roles,
        fingerprint: parsePublicKeyLine(s.key).fingerprint,
      })),
      quorum: this.record.quorum ?? null,
      startedBy: config?.startedBy ?? null,
      stage: this.stage(),
    };
  }

  /**
   * Why the request must be refused (a string), or the checked signed decision (null when no
   * policy applies). Pure: the validator and the handler call it alike.
   */
  private judge(
    decision: DecisionKind,
    req: DecisionRequest,
  ): string | Extract<Checked, { ok: true }>['decision'] | null {
    if (this.config === false) return 'promotion is off for this pipeline (promotion: false)';
    const signedBy = signedApprover(req.signed);
    const by = signedBy ?? (typeof req.by === 'string' ? req.by : '');
    const why = refusal(
      {
        stage: this.stage(),
        decision: this.record.decision,
        config: this.config,
        blockedBy: this.blockedBy,
      },
      { decision, by },
    );
    if (why) return why;
    if (!this.signing) return null;
    if (!req.signed) {
      return `this pipeline's approval policy (${this.signing.digest}) requires a signed decision: \`finetune ${decision} ${workflowInfo().workflowId} --sign <ssh key>\` (or --print-payload, then --signature)`;
    }
    const checked = checkSignedDecision(
      {
        workflowId: workflowInfo().workflowId,
        action: this.action,
        policy: this.signing,
        candidate: this.record.candidate?.identity ?? null,
        nowMs: Date.now(),
        nonces: new Set((this.record.votes ?? []).map((v) => v.nonce)),
        approvedBy: new Set(
          (this.record.votes ?? []).filter((v) => v.decision === 'approve').map((v) => v.approver),
        ),
        startedBy: this.config.startedBy,
      },
      decision,
      req.signed,
    );
    return checked.ok ? checked.decision : checked.reason;
  }

  /**
   * Takes a request that passed `judge`. A signed approval short of the quorum is recorded and
   * the quorum's state returned: the pipeline keeps waiting.
   */
  private accept(
    decision: DecisionKind,
    req: DecisionRequest,
    how: 'signal' | 'update',
    checked: Exclude<ReturnType<ApprovalDesk['judge']>, string>,
  ): DecisionReply['pending'] {
    if (!checked || !this.signing) {
      this.take(decision, req, how);
      return undefined;
    }
    const p = checked.payload;
    const vote: SignedVote = {
      decision,
      approver: p.approver,
      role: p.role,
      keyFingerprint: checked.keyFingerprint,
      nonce: p.nonce,
      issuedAt: p.issuedAt,
      expiresAt: p.expiresAt,
      how,
      at: now(),
      signed: req.signed!,
    };
    const votes = [...(this.record.votes ?? []), vote];
    this.record.votes = votes;
    const comment = p.comment ?? req.comment;
    if (decision === 'reject') {
      this.take('reject', { by: p.approver, comment }, how, [vote]);
      return undefined;
    }
    const approvals = votes.filter((v) => v.decision === 'approve');
    const quorum = quorumOf(ruleFor(this.signing.policy, this.action), approvals);
    this.record.quorum = quorum;
    if (!quorum.met) return quorum;
    this.take(
      'approve',
      { by: approvals.map((v) => v.approver).join(', '), comment },
      how,
      approvals,
    );
    return undefined;
  }

  private fromSignal(decision: DecisionKind, req: DecisionRequest | undefined): void {
    const by = typeof req?.by === 'string' ? req.by : '';
    // A pasted payload may carry anything: only a string is a comment.
    const comment = typeof req?.comment === 'string' ? req.comment : undefined;
    const signed = isSigned(req?.signed) ? req.signed : undefined;
    const verdict = this.judge(decision, { by, comment, ...(signed ? { signed } : {}) });
    if (typeof verdict === 'string') {
      this.record.ignored.push({
        decision,
        by: signedApprover(signed) ?? by,
        ...(comment ? { comment } : {}),
        how: 'signal',
        at: now(),
        reason: verdict,
        ...(this.signing ? { unverified: true as const } : {}),
      });
      return;
    }
    this.accept(decision, { by, comment, ...(signed ? { signed } : {}) }, 'signal', verdict);
  }

  private take(
    decision: DecisionKind,
    req: DecisionRequest,
    how: DecisionChannel,
    signed?: SignedVote[],
  ): void {
    this.record.decision = {
      decision,
      by: req.by.trim(),
      ...(typeof req.comment === 'string' && req.comment ? { comment: req.comment } : {}),
      how,
      at: now(),
      ...(signed ? { verified: true, signed } : this.signing === null ? { verified: false } : {}),
    };
  }
}

function isSigned(v: unknown): v is SignedDecision {
  const s = v as SignedDecision | undefined;
  return typeof s?.payload === 'string' && typeof s?.signature === 'string';
}

/** The approver a signed payload names (checked against its key later), if it parses. */
function signedApprover(signed: SignedDecision | undefined): string | undefined {
  if (!isSigned(signed)) return undefined;
  const p = parsePayload(signed.payload);
  return typeof p === 'string' ? undefined : p.approver;
}
