import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AwaitJobResult,
  JobEventSignal,
  JobSnapshot,
  PipelineProgress,
} from '../shared/types.js';
import type { SyncOutcome } from '../shared/syncTypes.js';
import type { DecisionKind, DecisionReply, DecisionRequest } from '../shared/promotionTypes.js';
import type { KbProgress } from '../shared/knowledgeBaseTypes.js';
import type { ApprovalRequestView } from '../shared/approvalTypes.js';
import type { EventDeliveryResult } from '../shared/eventTypes.js';

/** Sent by the webhook receiver when OpenAI reports a job event; wakes the waiting workflow. */
export const jobEventSignal = defineSignal<[JobEventSignal]>('jobEvent');

/**
 * "Someone is watching": for `leaseMs` (at most 15 minutes) the wait polls often and reads training
 * metrics; send it again before the lease ends to keep watching. `finetune status --watch` sends
 * it; a UI sends it to `await-job/<jobId>` (the pipeline's `waitWorkflowId`). Queries cannot
 * change a workflow, so a plain query is answered from the last snapshot.
 */
export interface WatchProgress {
  leaseMs: number;
  /** Who watches, for the logs (e.g. `cli`, `ui`). */
  by?: string;
}
export const watchProgressSignal = defineSignal<[WatchProgress]>('watchProgress');

/** From the waiting child to its pipeline: the job's latest snapshot (step, loss) for the UI. */
export const jobSnapshotSignal = defineSignal<[JobSnapshot]>('jobSnapshot');

/** Pipeline: where it is, what it made so far. */
export const progressQuery = defineQuery<PipelineProgress>('progress');

/** knowledgeBasePipeline: where the ingest is, what it read, embedded, reused and measured. */
export const kbProgressQuery = defineQuery<KbProgress>('kbProgress');

/** awaitFineTuneJob: the latest job snapshot and how much polling it took. */
export interface AwaitJobProgress {
  jobId: string;
  last?: JobSnapshot;
  polls: number;
  wakeups: number;
  nextPollAtMs?: number;
  /** Until when someone watches (workflow time, ms): polls are frequent until then. */
  watchedUntilMs?: number;
  result?: AwaitJobResult;
  /** Last training step streamed to W&B, and why live streaming stopped, if it did. */
  liveStep?: number;
  liveError?: string;
}
export const jobProgressQuery = defineQuery<AwaitJobProgress>('jobProgress');

/** syncFineTune: where the sync of one job is. */
export interface SyncProgress {
  jobId: string;
  step: 'checking' | 'waiting' | 'logging' | 'done' | 'skipped';
  runPath?: string;
  outcome?: SyncOutcome;
}
export const syncProgressQuery = defineQuery<SyncProgress>('syncProgress');

/** syncFineTunes: how far the batch is. */
export interface SyncBatchProgress {
  total: number;
  done: SyncOutcome[];
}
export const syncBatchQuery = defineQuery<SyncBatchProgress>('syncBatch');

/** deliverEvent: each endpoint's delivery of the event so far (delivering, delivered, dead). */
export const eventDeliveryQuery = defineQuery<EventDeliveryResult>('eventDelivery');

/**
 * Approval by signal (what the Temporal UI's "Send a Signal" sends): fire-and-forget; a signal in
 * the wrong state or from someone not allowed is recorded in the pipeline and ignored.
 */
export const approvePromotionSignal = defineSignal<[DecisionRequest]>('approvePromotion');
export const rejectPromotionSignal = defineSignal<[DecisionRequest]>('rejectPromotion');

/** Approval by Update (what `finetune approve/reject` uses): refused at once, or answered. */
export interface DecideRequest extends DecisionRequest {
  decision: DecisionKind;
}
export const decidePromotionUpdate = defineUpdate<DecisionReply, [DecideRequest]>(
  'decidePromotion',
);

/**
 * What a decision is asked about (any pipeline with an approval desk): the candidate, its
 * digest and the policy, so `finetune approve --sign` (or a person with `--print-payload`) can
 * build the payload to sign.
 */
export const approvalRequestQuery = defineQuery<ApprovalRequestView>('approvalRequest');

/**
 * What the Web UI shows beside each handler (its "Send a Signal" dialog, the queries and Updates
 * lists). Only `approvePromotion` and `rejectPromotion` are for people; every other signal is
 * marked internal, so nobody sends one by hand thinking it decides something. Keyed by the
 * handler's name (the metadata test checks every handler has one).
 */
export const HANDLER_DESCRIPTIONS = {
  approvePromotion:
    'Approve promoting this pipeline\'s model, once its stage is awaiting_approval. Input: {"by": "your-name", "comment": "optional"}. ' +
    'Refused requests (wrong stage, not an approver) are recorded and shown by `finetune status`.',
  rejectPromotion:
    'Reject promoting this pipeline\'s model, once its stage is awaiting_approval: nothing moves. Input: {"by": "your-name", "comment": "why"}.',
  decidePromotion:
    'Approve or reject promotion and wait for the answer (what `finetune approve/reject` sends). Input: {"decision": "approve" | "reject", "by": "your-name", "comment": "optional"}, plus "signed": {"payload", "signature"} when an approval policy applies (`finetune approve --sign KEY`); answers with what moved, what the quorum still needs, or why not.',
  approvalRequest:
    'What a decision is about: the candidate and its digest, the approval policy and the quorum so far (what `finetune approve --sign` signs).',
  jobEvent:
    "internal: sent by the webhook receiver when the provider reports the job's end; not for people (`finetune status` shows the job).",
  watchProgress:
    'internal: sent by `finetune status --watch` while someone watches ({"leaseMs": 60000}): the wait polls often until the lease ends; not needed by people.',
  jobSnapshot:
    "internal: sent by the job's wait (await-job/<job id>) to its pipeline with the latest status, step and loss; not for people.",
  progress:
    "The pipeline's stage, datasets, files, job, gates and decision (what `finetune status` shows).",
  jobProgress:
    "The job's latest snapshot (status, step, loss), the polls and webhook wake-ups so far, and the next check.",
  kbProgress:
    "The knowledge base ingest's stage, corpus, embeddings requested and reused, manifest check, gates and decision (what `finetune kb status` shows).",
  syncProgress: 'Where the W&B sync of this job is: checking, waiting, logging, done.',
  syncBatch: 'How far the batch sync is: jobs in total and the outcome of each done.',
  eventDelivery:
    'Where this event is, per endpoint: delivering (retried with backoff), delivered, or dead (given up, and why).',
  queueForAliasMove:
    'internal: sent by a promotion or rollback waiting for this alias move to finish, so it is handed the lock at once; not for people.',
  aliasMoveQueue:
    'internal: sent by a finishing alias move to the workflow that started it, with the movers waiting after it; not for people.',
  aliasMoveHandedOn:
    'internal: sent to the next waiting promotion or rollback when the alias lock is free; not for people.',
} as const;
