import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT_POLICY } from '../../src/shared/types.js';
import type { awaitFineTuneJob } from '../../src/workflows/awaitFineTuneJob.js';
import { jobEventSignal, jobProgressQuery } from '../../src/workflows/definitions.js';
import {
  EventType,
  eventMs,
  eventsOf,
  historyOf,
  scriptedJob,
  snapshot,
  timerDurations,
  useTimeSkipping,
  workerFor,
} from './support/env.js';

const MINUTE = 60_000;

describe('awaitFineTuneJob on the time-skipping server: a webhook wakes the wait', () => {
  const env = useTimeSkipping();

  it('a jobEvent signal cuts a 10-minute sleep short: the end is seen within the same workflow second', async () => {
    // A two-hour job, guided by its estimate: the wait sleeps the 10-minute maximum.
    let ended = false;
    const job = scriptedJob(({ atMs }) =>
      ended
        ? snapshot('succeeded')
        : snapshot('running', { estimatedFinish: Math.round((atMs + 120 * MINUTE) / 1000) }),
    );
    const { worker, taskQueue } = await workerFor(env(), job.activities);
    const { result, events } = await worker.runUntil(async () => {
      const handle = await env().client.workflow.start<typeof awaitFineTuneJob>(
        'awaitFineTuneJob',
        {
          args: [{ jobId: 'ftjob-webhook', policy: DEFAULT_WAIT_POLICY }],
          taskQueue,
          workflowId: `timeskip-webhook-${Date.now()}`,
        },
      );
      // Until it sleeps after its first poll.
      for (;;) {
        const p = await handle.query(jobProgressQuery);
        if (p.nextPollAtMs !== undefined) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Five of the ten minutes pass on the server's clock: still asleep, no second poll.
      await env().sleep(5 * MINUTE);
      expect(job.polls).toHaveLength(1);
      // The job ends and its webhook arrives (delivered twice, as at-least-once delivery may).
      ended = true;
      const event = {
        type: 'fine_tuning.job.succeeded',
        jobId: 'ftjob-webhook',
        deliveryId: 'wh_1',
      };
      await handle.signal(jobEventSignal, { ...event, jobId: 'ftjob-other', deliveryId: 'wh_0' });
      await handle.signal(jobEventSignal, event);
      await handle.signal(jobEventSignal, event);
      return { result: await handle.result(), events: await historyOf(handle) };
    });

    expect(timerDurations(events)).toEqual([10 * MINUTE]);
    expect(eventsOf(events, EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(0);
    expect(eventsOf(events, EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(1);
    const signalled = eventsOf(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    expect(signalled).toHaveLength(3);
    const wokenAtMs = eventMs(signalled[1]!);
    // The webhook came 5 minutes into the 10-minute sleep (server clock) …
    expect(wokenAtMs - job.polls[0]!.atMs).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(wokenAtMs - job.polls[0]!.atMs).toBeLessThan(10 * MINUTE);
    // … and the workflow knew the job's end within the same second.
    expect(result.detectedAtMs - wokenAtMs).toBeGreaterThanOrEqual(0);
    expect(result.detectedAtMs - wokenAtMs).toBeLessThan(1000);
    // One wake-up: the other job's event and the repeated delivery were ignored.
    expect(result).toMatchObject({ polls: 2, wakeups: 1, snapshot: { status: 'succeeded' } });
    expect(job.polls[1]!.atMs - job.polls[0]!.atMs).toBeLessThan(10 * MINUTE);
  });
});
