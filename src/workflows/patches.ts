// Every patch id the workflows read, in one place, with its lifecycle. Workflow-safe (data only).
//
// A change that would not replay an existing history reads `patched(PATCH.<name>)` where it
// branches; the id is recorded in the run's history the first time new code passes there
// (a `core_patch` marker), so runs that passed there before the change replay the old branch.
//
// Each entry says when the patch came, which committed replay histories (test/replay/histories/)
// run through its old branch and through its new one, and when it may go. test/replay/patches.test.ts
// fails when an id read in src/workflows is missing here, or an entry lacks a history for either
// branch. Retiring (docs/architecture.md#patches): `deprecatePatch` and delete the old branch once
// no run that took the old branch can still be open; delete the call once no run that recorded the
// marker with `patched` can be open. A retired id is never used again.

/** A history under test/replay/histories/, as `<workflowType>/<scenario>.json`. */
export type HistoryFixture = `${string}/${string}.json`;

export interface PatchEntry {
  /** The marker id in history. Never renamed, never reused. */
  readonly id: string;
  /** Where the patch came: the date it reached main and its commit. */
  readonly since: { readonly date: string; readonly commit: string };
  /** Workflow types whose code reads it (through shared helpers too). */
  readonly workflows: readonly string[];
  /** `patched`: both branches live. `deprecated`: `deprecatePatch`, the old branch is gone. */
  readonly state: 'patched' | 'deprecated';
  /**
   * Histories that take each branch. `old`: recorded without the marker, by code that passed the
   * call site (empty once deprecated). `new`: recorded with the marker.
   */
  readonly guards: {
    readonly old: readonly HistoryFixture[];
    readonly new: readonly HistoryFixture[];
  };
  /** When the old branch may go: which runs could still be on it, and for how long. */
  readonly retire: string;
}

const APPROVAL_WAITS =
  'A governed pipeline can wait at approval without end (no timeout by default), so a run that passed here before the patch may be open for as long as users keep it: keep while anyone may upgrade a worker from a checkout before the patch.';

export const PATCHES = {
  governedPromotion: {
    id: 'governed-promotion',
    since: { date: '2026-12-01', commit: 'aab3b86' },
    workflows: ['fineTunePipeline'],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/succeeded.json'],
      new: ['fineTunePipeline/approved-by-update.json'],
    },
    retire:
      'Runs before it end with their job and sync (no approval), but a job has no upper bound on how long it queues or trains: keep while users may upgrade from a 2026-11-23 checkout with a pipeline open.',
  },
  wandbNeverHoldsTheFineTune: {
    id: 'wandb-never-holds-the-fine-tune',
    since: { date: '2026-12-07', commit: '947a0f3' },
    workflows: ['fineTunePipeline'],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/promoted-with-runway-and-serving.json'],
      new: ['fineTunePipeline/wandb-aside-succeeded.json'],
    },
    retire: APPROVAL_WAITS,
  },
  providerRunway: {
    id: 'provider-runway',
    since: { date: '2026-12-01', commit: '73f0df9' },
    workflows: ['fineTunePipeline'],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/approval-timed-out.json'],
      new: ['fineTunePipeline/promoted-with-runway-and-serving.json'],
    },
    retire: APPROVAL_WAITS,
  },
  waitByJobId: {
    id: 'wait-by-job-id',
    since: { date: '2026-12-01', commit: '5b76b91' },
    workflows: ['fineTunePipeline'],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/approved-by-update.json'],
      new: ['fineTunePipeline/promoted-with-runway-and-serving.json'],
    },
    retire: APPROVAL_WAITS,
  },
  trainingCostCheck: {
    id: 'training-cost-check',
    since: { date: '2026-12-07', commit: '3e82d9b' },
    workflows: ['fineTunePipeline'],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/wandb-aside-succeeded.json'],
      new: ['fineTunePipeline/together-cost-checked.json'],
    },
    retire:
      'Read only by runs whose provider estimates a price itself or that were given --max-cost; runs before it never reach the call. Keep while a run started before 2026-12-07 on such a worker may still be uploading.',
  },
  servingAtPromotion: {
    id: 'serving-at-promotion',
    since: { date: '2026-12-01', commit: '73f0df9' },
    workflows: ['fineTunePipeline'],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/approved-by-update.json'],
      new: ['fineTunePipeline/promoted-with-runway-and-serving.json'],
    },
    retire:
      'Only pipelines promoting at the moment of an upgrade from a checkout of 2026-12-01 09:12-09:37 are on the old branch; they close right after the move. Retirable once no such checkout runs anywhere.',
  },
  aliasLockHandOff: {
    id: 'alias-lock-hand-off',
    since: { date: '2026-12-07', commit: '4b5df41' },
    workflows: ['fineTunePipeline', 'rollbackPromotion', 'moveModelAlias'],
    state: 'patched',
    guards: {
      old: [
        'fineTunePipeline/promoted-with-runway-and-serving.json',
        'moveModelAlias/promote-first.json',
      ],
      new: [
        'fineTunePipeline/queued-handed-lock-and-handed-on.json',
        'moveModelAlias/promote-queue-to-parent.json',
        'rollbackPromotion/to-other-dataset-name.json',
      ],
    },
    retire:
      'The old branch (retry on a timer while the lock is busy) holds a promotion or rollback only while another move holds the lock; keep while users may upgrade from a checkout of before 2026-12-07 in the middle of one.',
  },
  rollbackRestoresServing: {
    id: 'rollback-restores-serving',
    since: { date: '2026-12-01', commit: '326024b' },
    workflows: ['moveModelAlias'],
    state: 'deprecated',
    guards: { old: [], new: ['moveModelAlias/rollback-restores-serving.json'] },
    retire:
      'Deprecated 2026-12-07: the old branch was on main for three hours (2026-12-01 09:37-12:22) and held only a rollback to a version with a deployment while its move ran (minutes); no committed history takes it. The call itself stays while a committed history carries the marker `patched` recorded (moveModelAlias/rollback-restores-serving.json): without the call, that marker no longer replays.',
  },
  servingRunway: {
    id: 'serving-runway',
    since: { date: '2026-12-01', commit: '73f0df9' },
    workflows: ['resolveModelAlias'],
    state: 'patched',
    guards: {
      old: ['resolveModelAlias/production.json'],
      new: ['resolveModelAlias/with-serving-dates.json'],
    },
    retire:
      'Every resolveModelAlias run closes within its 5-minute execution timeout, so no run on the old branch is open; it stays because resolveModelAlias/production.json, a committed history, takes that branch (retire both together).',
  },
  bestEffortLetsCancellationThrough: {
    id: 'best-effort-lets-cancellation-through',
    since: { date: '2026-12-07', commit: '947a0f3' },
    workflows: [
      'fineTunePipeline',
      'awaitFineTuneJob',
      'syncFineTune',
      'syncFineTunes',
      'moveModelAlias',
      'rollbackPromotion',
      'resolveModelAlias',
    ],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/cancelled-while-training-sync-beside.json'],
      new: [
        'fineTunePipeline/cancelled-in-eval-gate.json',
        'syncFineTunes/cancelled-mid-history.json',
      ],
    },
    retire:
      'A run that swallowed a cancellation in best-effort work (e.g. its W&B child cancelled from the UI) went on, possibly to an approval wait without end: keep while users may upgrade from a checkout of before 2026-12-07.',
  },
  waitWakeLocalPoll: {
    id: 'wait-wake-local-poll',
    since: { date: '2026-12-01', commit: '8f3a2b8' },
    workflows: ['awaitFineTuneJob'],
    state: 'patched',
    guards: {
      old: ['awaitFineTuneJob/succeeded-webhook.json'],
      new: ['awaitFineTuneJob/webhooks-sparse-watched.json'],
    },
    retire:
      'A wait lasts as long as its job trains or queues, without bound; a wait that continued-as-new since takes the new branch. Keep while users may upgrade from a checkout of before 2026-12-01 13:29 with a job running.',
  },
  waitWatchProgress: {
    id: 'wait-watch-progress',
    since: { date: '2026-12-01', commit: '8f3a2b8' },
    workflows: ['awaitFineTuneJob'],
    state: 'patched',
    guards: {
      old: ['awaitFineTuneJob/succeeded-webhook.json'],
      new: ['awaitFineTuneJob/webhooks-sparse-watched.json'],
    },
    retire: 'As wait-wake-local-poll: a wait lasts as long as its job, without bound.',
  },
  waitEndWithoutReport: {
    id: 'wait-end-without-report',
    since: { date: '2026-12-01', commit: '8f3a2b8' },
    workflows: ['awaitFineTuneJob'],
    state: 'patched',
    guards: {
      old: ['awaitFineTuneJob/reports-to-pipeline.json'],
      new: ['awaitFineTuneJob/webhooks-sparse-watched.json'],
    },
    retire: 'As wait-wake-local-poll: a wait lasts as long as its job, without bound.',
  },
  waitPollAtEstimate: {
    id: 'wait-poll-at-estimate',
    since: { date: '2026-12-01', commit: '781fd36' },
    workflows: ['awaitFineTuneJob'],
    state: 'patched',
    guards: {
      old: ['awaitFineTuneJob/webhooks-sparse-watched.json'],
      new: ['awaitFineTuneJob/polled-past-estimate.json'],
    },
    retire: 'As wait-wake-local-poll: a wait lasts as long as its job, without bound.',
  },
  waitLiveMetricsAside: {
    id: 'wait-live-metrics-aside',
    since: { date: '2026-12-07', commit: '947a0f3' },
    workflows: ['awaitFineTuneJob'],
    state: 'patched',
    guards: {
      old: ['awaitFineTuneJob/polled-past-estimate.json'],
      new: ['awaitFineTuneJob/live-metrics-aside.json'],
    },
    retire: 'As wait-wake-local-poll: a wait lasts as long as its job, without bound.',
  },
  migrateRequiresABase: {
    id: 'migrate-requires-a-base',
    since: { date: '2026-12-07', commit: '947a0f3' },
    workflows: ['migrateModel'],
    state: 'patched',
    guards: {
      old: ['migrateModel/openai-to-azure.json'],
      new: ['migrateModel/base-missing.json'],
    },
    retire:
      'A migration that passed here without a base went on to record the golden set (retried without a limit) and then a pipeline on an empty model name, which fails its pre-flight: keep while users may upgrade from a checkout of before 2026-12-07 in the middle of one.',
  },
  outgoingEvents: {
    id: 'outgoing-events',
    since: { date: '2026-12-07', commit: 'bd0163c' },
    workflows: ['fineTunePipeline', 'rollbackPromotion'],
    state: 'patched',
    guards: {
      old: [
        'fineTunePipeline/approved-by-update.json',
        'fineTunePipeline/job-failed.json',
        'rollbackPromotion/to-other-dataset-name.json',
      ],
      new: [
        'fineTunePipeline/events-approved.json',
        'fineTunePipeline/events-job-failed.json',
        'rollbackPromotion/events-rolled-back.json',
      ],
    },
    retire: APPROVAL_WAITS,
  },
  kbOutgoingEvents: {
    id: 'kb-outgoing-events',
    since: { date: '2026-12-07', commit: '1961cdc' },
    workflows: ['knowledgeBasePipeline', 'rollbackKnowledgeBase'],
    state: 'patched',
    guards: {
      old: [
        'knowledgeBasePipeline/approved-by-update.json',
        'rollbackKnowledgeBase/to-replaced.json',
      ],
      new: [
        'knowledgeBasePipeline/events-approved.json',
        'knowledgeBasePipeline/events-failed.json',
        'rollbackKnowledgeBase/events-rolled-back.json',
      ],
    },
    retire:
      'A knowledge-base ingest can wait at approval without end (no timeout by default): keep while users may upgrade from a checkout of before the kb events with an ingest open; rollbacks close within minutes.',
  },
  signedApprovals: {
    id: 'signed-approvals',
    since: { date: '2026-12-07', commit: 'e8bed1d' },
    workflows: ['fineTunePipeline'],
    state: 'patched',
    guards: {
      old: ['fineTunePipeline/approved-by-update.json'],
      new: [
        'fineTunePipeline/signed-quorum-promoted.json',
        'fineTunePipeline/signed-approval-then-signed-rejection.json',
      ],
    },
    retire: APPROVAL_WAITS,
  },
  signedRollbacks: {
    id: 'signed-rollbacks',
    since: { date: '2026-12-07', commit: '8f705af' },
    workflows: ['rollbackPromotion'],
    state: 'patched',
    guards: {
      old: ['rollbackPromotion/to-previous.json', 'rollbackPromotion/events-rolled-back.json'],
      new: [
        'rollbackPromotion/signed-rollback-quorum.json',
        'rollbackPromotion/signed-rollback-rejected.json',
        'rollbackPromotion/signed-rollback-unsigned-refused.json',
        'rollbackPromotion/without-policy.json',
      ],
    },
    retire:
      'A rollback runs for seconds (the alias move) unless a move of its collection holds the lock: keep while users may upgrade from a checkout of before 2026-12-07 during a rollback.',
  },
} as const satisfies Record<string, PatchEntry>;

export type PatchName = keyof typeof PATCHES;

/** The ids by name: call sites read `patched(PATCH.governedPromotion)`. */
export const PATCH = Object.fromEntries(
  Object.entries(PATCHES).map(([name, entry]) => [name, entry.id]),
) as { readonly [K in PatchName]: (typeof PATCHES)[K]['id'] };

/** Ids retired for good: never read again, never reused (histories may still carry them). */
export const RETIRED_PATCH_IDS: readonly string[] = [];
