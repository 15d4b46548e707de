import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { JobSnapshot } from '../../../src/shared/types.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../src/shared/searchAttributes.js';
import { installTestSdkLogs, type ExpectedLog } from '../../support/sdkLogs.js';

const { EventType, IndexedValueType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Core warns on every worker that the time-skipping server (an old server build) may drop the
 * last heartbeat details of a failed activity: true of that server, and nothing these tests use.
 */
const OLD_TEST_SERVER: ExpectedLog = (message) =>
  message.startsWith('Temporal Server 1.16.0 or newer is required');

function quietRuntime(): void {
  installTestSdkLogs([OLD_TEST_SERVER]);
}

/** A time-skipping test server of this test's own (the pinned binary the global setup found). */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
  try {
    // The wait upserts FineTuneJobId and FineTuneStage: the server must know them, as in
    // production. The test server has AddSearchAttributes but not ListSearchAttributes, so
    // ensureSearchAttributes (list, then add what is missing) cannot be used here.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        ALL_SEARCH_ATTRIBUTES.map((k) => {
          if (k.type !== SearchAttributeType.KEYWORD) throw new Error(`map ${k.name}'s type here`);
          return [k.name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD];
        }),
      ),
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/** A job as OpenAI's GET /fine_tuning/jobs/{id} would show it, through pollFineTuneJob. */
/** One time-skipping server for the file's tests: `env()` is it, once `beforeAll` has run. */
export function useTimeSkipping(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(() => env?.teardown());
  return () => {
    if (!env) throw new Error('the time-skipping server is not up yet (use env() inside a test)');
    return env;
  };
}

export function snapshot(status: string, over: Partial<JobSnapshot> = {}): JobSnapshot {
  return {
    jobId: 'ftjob-timeskip',
    status,
    model: 'gpt-4.1-mini-2025-04-14',
    fineTunedModel: status === 'succeeded' ? 'ft:gpt-4.1-mini-2025-04-14:org::timeskip' : null,
    estimatedFinish: null,
    finishedAt: null,
    trainedTokens: null,
    resultFiles: [],
    error: null,
    step: null,
    totalSteps: null,
    trainLoss: null,
    validLoss: null,
    ...over,
  };
}

export interface Poll {
  /** The poll's number, from 1. */
  n: number;
  /** When the server scheduled it: the test server's (skipped) clock, in ms. */
  atMs: number;
}

/**
 * The one activity that stands for OpenAI: a deterministic `pollFineTuneJob` answering from a
 * script (poll number and server time in, snapshot out), recording each poll.
 */
export function scriptedJob(script: (poll: Poll) => JobSnapshot) {
  const polls: Poll[] = [];
  return {
    polls,
    activities: {
      // eslint-disable-next-line @typescript-eslint/require-await -- an activity returns a promise
      async pollFineTuneJob(jobId: string): Promise<JobSnapshot> {
        const poll = {
          n: polls.length + 1,
          atMs: Context.current().info.currentAttemptScheduledTimestampMs,
        };
        polls.push(poll);
        return { ...script(poll), jobId };
      },
    },
  };
}

/** A worker of the real workflow bundle on a fresh task queue, with the given activities. */
export async function workerFor(
  env: TestWorkflowEnvironment,
  activities: object,
): Promise<{ worker: Worker; taskQueue: string }> {
  const taskQueue = `timeskip-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
  });
  return { worker, taskQueue };
}

/** The history of one run (the latest when `runId` is omitted). */
export async function historyOf(handle: WorkflowHandle, runId?: string): Promise<HistoryEvent[]> {
  const h = await handle.client.getHandle(handle.workflowId, runId).fetchHistory();
  return h.events ?? [];
}

const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);

/** Event time in ms (server clock). */
export const eventMs = (e: HistoryEvent): number => ms(e.eventTime);

/** The durations of the timers the workflow started, in order, in ms. */
export function timerDurations(events: HistoryEvent[]): number[] {
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
    .map((e) => ms(e.timerStartedEventAttributes?.startToFireTimeout));
}

export function eventsOf(events: HistoryEvent[], type: temporal.api.enums.v1.EventType) {
  return events.filter((e) => e.eventType === type);
}

export { EventType };
