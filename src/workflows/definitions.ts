import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AwaitJobResult,
  JobEventSignal,
  JobSnapshot,
  PipelineProgress,
} from '../shared/types.js';
import type { SyncOutcome } from '../shared/syncTypes.js';
import type { DecisionKind, DecisionReply, DecisionRequest } from '../shared/promotionTypes.js';

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
