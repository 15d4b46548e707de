import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteSyncSchedule,
  upsertSyncSchedule,
  DEFAULT_SYNC_SCHEDULE_ID,
} from '../../src/client/schedule.js';
import type { SyncFineTunesResult } from '../../src/shared/syncTypes.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import {
  FAST_WAIT,
  SHORT_JOBS,
  createJob,
  openaiFor,
  runOf,
  uploadSample,
  waitForJob,
} from './support/wandbHelpers.js';

/** How many schedules with this id the server lists (eventually consistent). */
async function schedulesWithId(client: Client, scheduleId: string): Promise<number> {
  let n = 0;
  for await (const s of client.schedule.list()) if (s.scheduleId === scheduleId) n++;
  return n;
}

/** `finetune schedule-sync`: one schedule per id, updated in place, and its runs really sync. */
describe('sync schedule', () => {
  let h: Harness;
  let jobId: string;
  const scheduleId = `sched-it-${randomUUID()}`;
  const project = 'scheduled';

  beforeAll(async () => {
    h = await startHarness(SHORT_JOBS);
    await h.startWorker();
    const openai = openaiFor(h);
    jobId = await createJob(openai, await uploadSample(openai), { suffix: 'sched' });
    await waitForJob(openai, jobId);
  });
  afterAll(async () => {
    await h?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await h?.close();
  });

  it('is created once, then updated in place with the new interval and options', async () => {
    expect(DEFAULT_SYNC_SCHEDULE_ID).toBe('finetune-sync');
    const first = await upsertSyncSchedule(h.client, {
      every: '1h',
      options: { project: 'first-project' },
      taskQueue: h.taskQueue,
      scheduleId,
    });
    expect(first).toEqual({ scheduleId, created: true, everyMs: 3_600_000 });
    const handle = h.client.schedule.getHandle(scheduleId);
    let d = await handle.describe();
    expect(d.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'syncFineTunes',
      taskQueue: h.taskQueue,
      args: [{ project: 'first-project' }],
    });

    const second = await upsertSyncSchedule(h.client, {
      every: '15m',
      options: { project, wait: FAST_WAIT },
      taskQueue: h.taskQueue,
      scheduleId,
    });
    expect(second).toEqual({ scheduleId, created: false, everyMs: 900_000 });
    d = await handle.describe();
    expect(d.spec.intervals?.map((i) => i.every)).toEqual([900_000]);
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.action).toMatchObject({ args: [{ project, wait: FAST_WAIT }] });
    expect(d.state.paused).toBe(false);

    // Again with the same settings: an update that keeps a pause someone made, no second schedule.
    await handle.pause('paused by the test');
    expect(
      await upsertSyncSchedule(h.client, {
        every: '15m',
        options: { project, wait: FAST_WAIT },
        taskQueue: h.taskQueue,
        scheduleId,
      }),
    ).toMatchObject({ created: false });
    expect((await handle.describe()).state.paused).toBe(true);
    await handle.unpause();
    await eventually('the schedule in the list', async () =>
      (await schedulesWithId(h.client, scheduleId)) > 0 ? true : undefined,
    );
    expect(await schedulesWithId(h.client, scheduleId)).toBe(1);
  });

  it('refuses an interval that is not one before touching the server', async () => {
    await expect(
      upsertSyncSchedule(h.client, {
        every: 'hourly',
        options: {},
        scheduleId: `${scheduleId}-never`,
      }),
    ).rejects.toThrow(/"hourly" is not an interval/);
    await expect(h.client.schedule.getHandle(`${scheduleId}-never`).describe()).rejects.toThrow(
      ScheduleNotFoundError,
    );
  });

  it('a triggered run is a syncFineTunes run on the worker that syncs the job', async () => {
    const handle = h.client.schedule.getHandle(scheduleId);
    await handle.trigger();
    const action = await eventually('the triggered run', async () => {
      const d = await handle.describe();
      return d.info.recentActions.at(-1)?.action;
    });
    // Temporal gives each scheduled run its own id: the schedule's id plus the time.
    expect(action.workflow.workflowId).toMatch(new RegExp(`^${scheduleId}-`));
    const run = h.client.workflow.getHandle(action.workflow.workflowId);
    const described = await run.describe();
    expect(described.type).toBe('syncFineTunes');
    expect(described.taskQueue).toBe(h.taskQueue);
    const result = (await run.result()) as SyncFineTunesResult;
    expect(result.target.project).toBe(project);
    expect(result.jobs).toEqual([expect.objectContaining({ jobId, outcome: 'synced' })]);
    expect(runOf(h, project, jobId).state).toBe('finished');

    // A second trigger finds the job already synced: skipped, never a second W&B run.
    await handle.trigger();
    const again = await eventually('the second run', async () => {
      const d = await handle.describe();
      return d.info.recentActions.length >= 2 ? d.info.recentActions.at(-1)?.action : undefined;
    });
    expect(again.workflow.workflowId).not.toBe(action.workflow.workflowId);
    const second = (await h.client.workflow
      .getHandle(again.workflow.workflowId)
      .result()) as SyncFineTunesResult;
    expect(second.jobs).toEqual([
      expect.objectContaining({
        jobId,
        outcome: 'skipped',
        reason: expect.stringMatching(/already synced/) as unknown,
      }),
    ]);
  });

  it('delete removes it; deleting again says there was none', async () => {
    expect(await deleteSyncSchedule(h.client, scheduleId)).toEqual({ scheduleId, deleted: true });
    await expect(h.client.schedule.getHandle(scheduleId).describe()).rejects.toThrow(
      ScheduleNotFoundError,
    );
    expect(await deleteSyncSchedule(h.client, scheduleId)).toEqual({
      scheduleId,
      deleted: false,
    });
    await eventually('the schedule gone from the list', async () =>
      (await schedulesWithId(h.client, scheduleId)) === 0 ? true : undefined,
    );
  });
});
