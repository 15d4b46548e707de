import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT_POLICY, type AwaitJobInput } from '../../src/shared/types.js';
import type { awaitFineTuneJob } from '../../src/workflows/awaitFineTuneJob.js';
import {
  EventType,
  eventsOf,
  historyOf,
  scriptedJob,
  snapshot,
  useTimeSkipping,
  workerFor,
} from './support/env.js';

const DAY = 24 * 3600_000;

describe('awaitFineTuneJob on the time-skipping server: a job that trains for days', () => {
  const env = useTimeSkipping();

  it('continues-as-new when the server suggests it (4,096 events), carrying polls and the last snapshot', async () => {
    // Running with no estimate for four days of server time: the default policy polls every
    // 10 minutes once backed off, ~11 history events a poll, so one run cannot hold it all.
    let firstAtMs: number | undefined;
    const job = scriptedJob(({ n, atMs }) => {
      firstAtMs ??= atMs;
      if (atMs - firstAtMs >= 4 * DAY) return snapshot('succeeded', { step: n, totalSteps: n });
      return snapshot('running', { step: n });
    });
    const { worker, taskQueue } = await workerFor(env(), job.activities);
    const { result, first, last } = await worker.runUntil(async () => {
      const handle = await env().client.workflow.start<typeof awaitFineTuneJob>(
        'awaitFineTuneJob',
        {
          args: [{ jobId: 'ftjob-days', policy: DEFAULT_WAIT_POLICY }],
          taskQueue,
          workflowId: `timeskip-days-${Date.now()}`,
        },
      );
      const result = await handle.result(); // follows the run chain to the end
      return {
        result,
        first: await historyOf(handle, handle.firstExecutionRunId),
        last: await historyOf(handle),
      };
    });

    // The server suggested it on a workflow task past 4,096 events, and the first run obeyed.
    const suggested = eventsOf(first, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED).filter(
      (e) => e.workflowTaskStartedEventAttributes?.suggestContinueAsNew,
    );
    expect(suggested.length).toBeGreaterThan(0);
    expect(Number(suggested[0]!.eventId)).toBeGreaterThanOrEqual(4096);
    const closing = first.at(-1)!;
    expect(closing.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

    // What it carried: the poll count so far, no wake-ups, and the last snapshot it saw.
    const firstRunPolls = eventsOf(first, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).length;
    const carriedInput = defaultPayloadConverter.fromPayload<AwaitJobInput>(
      closing.workflowExecutionContinuedAsNewEventAttributes!.input!.payloads![0]!,
    );
    expect(carriedInput.jobId).toBe('ftjob-days');
    expect(carriedInput.policy).toEqual(DEFAULT_WAIT_POLICY);
    expect(carriedInput.carried).toMatchObject({ polls: firstRunPolls, wakeups: 0 });
    expect(carriedInput.carried?.last).toMatchObject({ status: 'running', step: firstRunPolls });
    expect(firstRunPolls).toBeLessThan(job.polls.length);

    // The new run picked up from there: its polls add to the carried count, and it found the end.
    const started = last[0]!.workflowExecutionStartedEventAttributes!;
    expect(started.continuedExecutionRunId).toBeTruthy();
    expect(result.snapshot.status).toBe('succeeded');
    expect(result.polls).toBe(job.polls.length);
    expect(result.snapshot.step).toBe(job.polls.length);
    expect(result.wakeups).toBe(0);
    expect(job.polls.at(-1)!.atMs - job.polls[0]!.atMs).toBeGreaterThanOrEqual(4 * DAY);
  });
});
