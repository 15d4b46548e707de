import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FineTuneJobId, FineTuneStage } from '../shared/searchAttributes.js';
import type { AwaitJobInput, AwaitJobResult, JobSnapshot } from '../shared/types.js';
import { isTerminal } from '../shared/types.js';
import { jobActivities, liveMetricsActivities } from './activityOptions.js';
import {
  jobEventSignal,
  jobProgressQuery,
  jobSnapshotSignal,
  type AwaitJobProgress,
} from './definitions.js';
import { describeJob } from './describe.js';
import { nextPollDelay, nextUnguidedStreak } from './waitPolicy.js';

/**
 * Waits for a fine-tuning job to reach a terminal status without a fixed polling loop: a verified
 * webhook signals this workflow and it looks at once; a durable, adaptive poll (timers guided by
 * estimated_finish, backing off) catches a webhook that never came. Continues-as-new when history
 * grows, so a job of any length is fine.
 */
export async function awaitFineTuneJob(input: AwaitJobInput): Promise<AwaitJobResult> {
  const state: AwaitJobProgress = {
    jobId: input.jobId,
    last: input.carried?.last,
    polls: input.carried?.polls ?? 0,
    wakeups: input.carried?.wakeups ?? 0,
    liveStep: input.carried?.liveStep ?? 0,
  };
  let woken = false;
  const seenDeliveries = new Set<string>();
  setHandler(jobEventSignal, (event) => {
    if (event.jobId !== input.jobId) return;
    if (event.deliveryId) {
      if (seenDeliveries.has(event.deliveryId)) return; // at-least-once delivery: ignore repeats
      seenDeliveries.add(event.deliveryId);
    }
    state.wakeups++;
    woken = true;
  });
  setHandler(jobProgressQuery, () => state);
  upsertSearchAttributes([{ key: FineTuneJobId, value: input.jobId }]);

  let streak = 0;
  for (;;) {
    const previous: JobSnapshot | undefined = state.last;
    const snap = await jobActivities.pollFineTuneJob(input.jobId);
    state.polls++;
    state.last = snap;
    if (!previous || previous.status !== snap.status) {
      upsertSearchAttributes([{ key: FineTuneStage, value: snap.status }]);
    }
    setCurrentDetails(describeJob(snap));
    if (input.reportTo && (previous?.status !== snap.status || previous?.step !== snap.step)) {
      await reportSnapshot(input.reportTo, snap);
    }
    await streamLiveMetrics(input, state, snap);
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
    const delay = nextPollDelay(input.policy, snap, Date.now(), streak);
    state.nextPollAtMs = Date.now() + delay;
    await condition(() => woken, delay);
    woken = false;
  }
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
    state.liveError = err instanceof Error ? err.message : String(err);
  }
}

/** Best effort: the pipeline shows step and loss in its own details; a gone parent is no error. */
async function reportSnapshot(workflowId: string, snap: JobSnapshot): Promise<void> {
  try {
    await getExternalWorkflowHandle(workflowId).signal(jobSnapshotSignal, snap);
  } catch {
    // The pipeline may have been closed or reset; the wait goes on regardless.
  }
}

/** The pipeline's wait for a job has this id: the webhook receiver signals it directly. */
export function awaitWorkflowIdFor(jobId: string): string {
  return `await-job/${jobId}`;
}
