import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { ErrorType } from '../shared/errorTypes.js';
import type {
  ApprovalRecord,
  Decision,
  DecisionChannel,
  DecisionKind,
  DecisionRequest,
  PromotionConfig,
} from '../shared/promotionTypes.js';
import { refusal, type ApprovalState } from './approvalRules.js';
import {
  approvePromotionSignal,
  decidePromotionUpdate,
  HANDLER_DESCRIPTIONS,
  rejectPromotionSignal,
  type DecideRequest,
} from './definitions.js';

const now = (): string => new Date(Date.now()).toISOString();

/**
 * Where a pipeline's promotion is decided. Handlers are installed when the pipeline starts, so a
 * signal sent too early (or by someone not allowed) is recorded and shown, never silently lost.
 * Signals and the Update go through the same rules (approvalRules.ts).
 */
export class ApprovalDesk {
  readonly record: ApprovalRecord = { gates: [], ignored: [] };
  /** The reason a gate blocks promotion, when one does. */
  blockedBy?: string;
  private finished = false;

  constructor(
    private readonly config: PromotionConfig | false,
    private readonly stage: () => ApprovalState['stage'],
  ) {}

  get decision(): Decision | undefined {
    return this.record.decision;
  }

  install(): void {
    setHandler(approvePromotionSignal, (req) => this.fromSignal('approve', req), {
      description: HANDLER_DESCRIPTIONS.approvePromotion,
    });
    setHandler(rejectPromotionSignal, (req) => this.fromSignal('reject', req), {
      description: HANDLER_DESCRIPTIONS.rejectPromotion,
    });
    setHandler(
      decidePromotionUpdate,
      async (req) => {
        // The validator ran first; a signal may have decided in the same activation since.
        const why = this.why(req.decision, req.by);
        if (why) throw ApplicationFailure.nonRetryable(why, ErrorType.PromotionRefused);
        this.take(req.decision, req, 'update');
        await condition(() => this.finished);
        return {
          accepted: true,
          decision: this.record.decision!,
          promotion: this.record.promotion,
        };
      },
      {
        validator: (req: DecideRequest) => {
          const why = this.why(req.decision, req?.by ?? '');
          if (why) throw ApplicationFailure.nonRetryable(why, ErrorType.PromotionRefused);
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

  private why(decision: DecisionKind, by: string): string | undefined {
    if (this.config === false) return 'promotion is off for this pipeline (promotion: false)';
    return refusal(
      {
        stage: this.stage(),
        decision: this.record.decision,
        config: this.config,
        blockedBy: this.blockedBy,
      },
      { decision, by: by ?? '' },
    );
  }

  private fromSignal(decision: DecisionKind, req: DecisionRequest | undefined): void {
    const by = typeof req?.by === 'string' ? req.by : '';
    // A pasted payload may carry anything: only a string is a comment.
    const comment = typeof req?.comment === 'string' ? req.comment : undefined;
    const why = this.why(decision, by);
    if (why) {
      this.record.ignored.push({
        decision,
        by,
        ...(comment ? { comment } : {}),
        how: 'signal',
        at: now(),
        reason: why,
      });
      return;
    }
    this.take(decision, { by, comment }, 'signal');
  }

  private take(decision: DecisionKind, req: DecisionRequest, how: DecisionChannel): void {
    this.record.decision = {
      decision,
      by: req.by.trim(),
      ...(typeof req.comment === 'string' && req.comment ? { comment: req.comment } : {}),
      how,
      at: now(),
    };
  }
}
