import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT_POLICY } from '../../src/shared/types.js';
import type { awaitFineTuneJob } from '../../src/workflows/awaitFineTuneJob.js';
import {
  EventType,
  eventsOf,
  historyOf,
  scriptedJob,
  snapshot,
  timerDurations,
  useTimeSkipping,
  workerFor,
} from './support/env.js';

const s = 1000;

describe('awaitFineTuneJob on the time-skipping server: the adaptive backoff', () => {
  const env = useTimeSkipping();

  it('with no estimated_finish, waits 15 s, 30 s, 60 s … after a status change, up to maxPollMs', async () => {
    // Queued at the first poll, running (no estimate) from the second, done at the twelfth.
    const job = scriptedJob(({ n }) =>
      n === 1 ? snapshot('queued') : n < 12 ? snapshot('running') : snapshot('succeeded'),
    );
    const { worker, taskQueue } = await workerFor(env(), job.activities);
    const { result, events } = await worker.runUntil(async () => {
      const handle = await env().client.workflow.start<typeof awaitFineTuneJob>(
        'awaitFineTuneJob',
        {
          args: [{ jobId: 'ftjob-backoff', policy: DEFAULT_WAIT_POLICY }],
          taskQueue,
          workflowId: `timeskip-backoff-${Date.now()}`,
        },
      );
      return { result: await handle.result(), events: await historyOf(handle) };
    });

    // The timers the workflow recorded. The first poll already counts as one without an
    // estimate (30 s); the status change to running restarts the backoff at minPollMs (15 s),
    // then it doubles up to maxPollMs (10 minutes) and stays there.
    expect(DEFAULT_WAIT_POLICY).toMatchObject({ minPollMs: 15 * s, maxPollMs: 600 * s });
    expect(timerDurations(events)).toEqual(
      [30, 15, 30, 60, 120, 240, 480, 600, 600, 600, 600].map((x) => x * s),
    );
    // Every timer fired (nothing woke the wait early) and each poll came when its timer did.
    expect(eventsOf(events, EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(11);
    expect(eventsOf(events, EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(0);
    const gaps = job.polls.slice(1).map((p, i) => p.atMs - job.polls[i]!.atMs);
    timerDurations(events).forEach((timer, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(timer);
      expect(gaps[i]).toBeLessThan(timer + 2 * s);
    });
    expect(result).toMatchObject({ polls: 12, wakeups: 0, snapshot: { status: 'succeeded' } });
    // 46 minutes of waiting, on the server's clock.
    expect(job.polls.at(-1)!.atMs - job.polls[0]!.atMs).toBeGreaterThanOrEqual(3375 * s);
  });

  it('with an estimated_finish ahead, halves the time left (within the bounds), then backs off', async () => {
    // A job estimated to finish 40 minutes after its first poll; it finishes 5 minutes late.
    let finishAtMs = 0;
    const job = scriptedJob(({ n, atMs }) => {
      if (n === 1) finishAtMs = atMs + 40 * 60 * s;
      if (atMs >= finishAtMs + 5 * 60 * s) return snapshot('succeeded');
      return snapshot('running', { estimatedFinish: finishAtMs / 1000 });
    });
    const { worker, taskQueue } = await workerFor(env(), job.activities);
    const events = await worker.runUntil(async () => {
      const handle = await env().client.workflow.start<typeof awaitFineTuneJob>(
        'awaitFineTuneJob',
        {
          args: [{ jobId: 'ftjob-guided', policy: DEFAULT_WAIT_POLICY }],
          taskQueue,
          workflowId: `timeskip-guided-${Date.now()}`,
        },
      );
      await handle.result();
      return historyOf(handle);
    });
    const timers = timerDurations(events);
    // Guided: half the time left, capped at maxPollMs: 40 min left → 10 min, 30 → 10, 20 → 10,
    // then 10 → 5, 5 → 2.5, … (a few ms less each: the polls themselves take real time).
    const guided = [600, 600, 600, 300, 150, 75, 37.5, 18.75].map((x) => x * s);
    guided.forEach((expected, i) => {
      expect(timers[i]).toBeLessThanOrEqual(expected);
      expect(timers[i]).toBeGreaterThan(expected - 2 * s);
    });
    // Close to the estimate, never below minPollMs; once it has passed, three more polls at
    // 15 s (a job most often ends just after its estimate), then the backoff doubles from 30 s
    // until the job (5 minutes late) is seen to be done.
    const floor = timers.slice(guided.length, -4);
    expect(floor.length).toBeGreaterThan(0);
    expect(floor.every((t) => t === 15 * s)).toBe(true);
    expect(timers.slice(-4)).toEqual([30, 60, 120, 240].map((x) => x * s));
    const pastEstimate = job.polls.filter((p) => p.atMs >= finishAtMs).map((p) => p.atMs);
    const gaps = pastEstimate.slice(1).map((t, i) => t - pastEstimate[i]!);
    const held = [15, 15, 15, 30, 60, 120, 240].map((x) => x * s);
    expect(gaps).toHaveLength(held.length);
    held.forEach((timer, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(timer);
      expect(gaps[i]).toBeLessThan(timer + 2 * s);
    });
  });
});
