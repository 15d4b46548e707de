import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyLocalActivities,
  setHandler,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PollOptions } from '../activities/training/jobs.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errorTypes.js';
import { FineTuneJobId, FineTuneStage } from '../shared/searchAttributes.js';
import type { AwaitJobInput, AwaitJobResult, JobSnapshot } from '../shared/types.js';
import { isTerminal } from '../shared/types.js';
import { jobActivities, liveMetricsActivities } from './activityOptions.js';
import {
  HANDLER_DESCRIPTIONS,
  jobEventSignal,
  jobProgressQuery,
  jobSnapshotSignal,
  watchProgressSignal,
  type AwaitJobProgress,
} from './definitions.js';
import { describeJob } from './describe.js';
import { rethrowCancellation } from './failures.js';
import { LiveMetrics } from './liveMetrics.js';
import {
  isSparse,
  MAX_WATCH_LEASE_MS,
  nextPollDelay,
  nextUnguidedStreak,
  type PollAudience,
} from './waitPolicy.js';
import { PATCH } from './patches.js';

type PollActivity = Pick<typeof jobActivities, 'pollFineTuneJob'>;

/**
 * The poll a webhook triggers, as a local activity: it runs in the same workflow task as the
 * signal, with no trip through the task queue (no schedule-to-start, no second workflow task), so
 * the end is known milliseconds after the webhook. A few quick tries, then the durable poll.
 */
const wakePoll = proxyLocalActivities<PollActivity>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '200ms',
    maximumInterval: '2s',
    maximumAttempts: 3,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/**
 * Waits for a fine-tuning job to reach a terminal status without a fixed polling loop: a verified
 * webhook signals this workflow and it looks at once; a durable, adaptive poll (timers guided by
 * estimated_finish, backing off) catches a webhook that never came. Continues-as-new when history
 * grows, so a job of any length is fine.
 */
export async function awaitFineTuneJob(input: AwaitJobInput): Promise<AwaitJobResult> {
  // Runs started before these changes replay, and go on, as they began.
  const fastWake = patched(PATCH.waitWakeLocalPoll);
  const watchAware = patched(PATCH.waitWatchProgress);
  const quickEnd = patched(PATCH.waitEndWithoutReport);
  const holdAfterEstimate = patched(PATCH.waitPollAtEstimate);
  // The job's end first; live metrics beside the wait, never in its way (W&B may be down).
  const liveAside = patched(PATCH.waitLiveMetricsAside);
  const state: AwaitJobProgress = {
    jobId: input.jobId,
    last: input.carried?.last,
    polls: input.carried?.polls ?? 0,
    wakeups: input.carried?.wakeups ?? 0,
    liveStep: input.carried?.liveStep ?? 0,
  };
  const live = new LiveMetrics(input, state);
  let woken = false;
  let watchWake = false;
  let watchedUntil = 0;
  const seenDeliveries = new Set<string>();
  setHandler(
    jobEventSignal,
    (event) => {
      if (event.jobId !== input.jobId) return;
      if (event.deliveryId) {
        if (seenDeliveries.has(event.deliveryId)) return; // at-least-once delivery: ignore repeats
        seenDeliveries.add(event.deliveryId);
      }
      state.wakeups++;
      woken = true;
    },
    { description: HANDLER_DESCRIPTIONS.jobEvent },
  );
  if (watchAware) {
    setHandler(
      watchProgressSignal,
      ({ leaseMs }) => {
        const lease = Math.min(Math.max(0, Number(leaseMs) || 0), MAX_WATCH_LEASE_MS);
        const now = Date.now();
        // A new watcher gets a fresh look at once; renewals only extend the lease.
        if (watchedUntil <= now && lease > 0) watchWake = true;
        watchedUntil = Math.max(watchedUntil, now + lease);
        state.watchedUntilMs = watchedUntil;
      },
      { description: HANDLER_DESCRIPTIONS.watchProgress },
    );
  }
  setHandler(jobProgressQuery, () => state, { description: HANDLER_DESCRIPTIONS.jobProgress });
  upsertSearchAttributes([{ key: FineTuneJobId, value: input.jobId }]);
  const audience = (): PollAudience => ({
    watched: watchedUntil > Date.now(),
    live: liveAside ? live.on : input.live !== undefined && state.liveError === undefined,
  });

  let streak = 0;
  let byWebhook = false;
  for (;;) {
    const previous: JobSnapshot | undefined = state.last;
    const opts: PollOptions | undefined =
      watchAware && isSparse(input.policy, audience()) ? { metrics: false } : undefined;
    const snap = await pollJob(input.jobId, opts, fastWake && byWebhook);
    state.polls++;
    state.last = snap;
    if (!previous || previous.status !== snap.status) {
      upsertSearchAttributes([{ key: FineTuneStage, value: snap.status }]);
    }
    setCurrentDetails(describeJob(snap));
    // The end goes to the pipeline as this workflow's result: signalling it first would only
    // hold the result back by a round trip (runs since quickEnd).
    const report = !(quickEnd && isTerminal(snap.status));
    if (
      report &&
      input.reportTo &&
      (previous?.status !== snap.status || previous?.step !== snap.step)
    ) {
      await reportSnapshot(input.reportTo, snap);
    }
    if (liveAside) {
      if (!isTerminal(snap.status)) live.start(snap);
    } else {
      await streamLiveMetrics(input, state, snap);
    }
    if (isTerminal(snap.status)) {
      state.result = {
        snapshot: snap,
        detectedAtMs: Date.now(),
        polls: state.polls,
        wakeups: state.wakeups,
      };
      return state.result;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof awaitFineTuneJob>({
        ...input,
        carried: {
          polls: state.polls,
          wakeups: state.wakeups,
          last: snap,
          liveStep: state.liveStep,
        },
      });
    }
    streak = nextUnguidedStreak(streak, previous, snap, Date.now());
    const delay = nextPollDelay(
      input.policy,
      snap,
      Date.now(),
      streak,
      audience(),
      holdAfterEstimate,
    );
    state.nextPollAtMs = Date.now() + delay;
    await condition(() => woken || watchWake, delay);
    byWebhook = woken;
    woken = false;
    watchWake = false;
  }
}

/** A webhook's poll goes the fast way first; anything else (or a failed fast try) the durable way. */
async function pollJob(
  jobId: string,
  opts: PollOptions | undefined,
  fast: boolean,
): Promise<JobSnapshot> {
  // Without options the activity is called exactly as runs before them called it.
  const call = (a: PollActivity) =>
    opts ? a.pollFineTuneJob(jobId, opts) : a.pollFineTuneJob(jobId);
  if (fast) {
    try {
      return await call(wakePoll);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // The provider was slow or refused (a 429 waits for its retry-after): the durable poll
      // retries for as long as it takes.
    }
  }
  return call(jobActivities);
}

/**
 * Best effort: new training metrics go to the W&B run as they appear. A W&B problem only stops
 * the live view (the final sync writes the whole history anyway); it never fails the wait.
 */
async function streamLiveMetrics(
  input: AwaitJobInput,
  state: AwaitJobProgress,
  snap: JobSnapshot,
): Promise<void> {
  if (!input.live || state.liveError !== undefined) return;
  if (snap.step === null || snap.step <= (state.liveStep ?? 0)) return;
  try {
    const { lastStep } = await liveMetricsActivities.appendLiveMetrics({
      target: input.live.target,
      jobId: input.jobId,
      afterStep: state.liveStep ?? 0,
    });
    state.liveStep = lastStep;
  } catch (err) {
    rethrowCancellation(err);
    state.liveError = err instanceof Error ? err.message : String(err);
  }
}

/** Best effort: the pipeline shows step and loss in its own details; a gone parent is no error. */
async function reportSnapshot(workflowId: string, snap: JobSnapshot): Promise<void> {
  try {
    await getExternalWorkflowHandle(workflowId).signal(jobSnapshotSignal, snap);
  } catch (err) {
    rethrowCancellation(err);
    // The pipeline may have been closed or reset; the wait goes on regardless.
  }
}

/** The pipeline's wait for a job has this id: the webhook receiver signals it directly. */
export function awaitWorkflowIdFor(jobId: string): string {
  return `await-job/${jobId}`;
}
