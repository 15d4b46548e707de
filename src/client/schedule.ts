import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { SyncOptions } from '../shared/syncTypes.js';
import { TASK_QUEUE } from '../shared/types.js';
import type { syncFineTunes } from '../workflows/syncFineTunes.js';

export const DEFAULT_SYNC_SCHEDULE_ID = 'finetune-sync';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/**
 * An interval such as `30s`, `15m`, `1h`, `1d` or `1h30m` in milliseconds (units largest first,
 * each at most once, whole numbers, at least one second). Anything else throws a RangeError
 * that says what is accepted.
 */
export function parseEvery(raw: string): number {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(raw.trim());
  const ms = m
    ? [UNIT_MS.d, UNIT_MS.h, UNIT_MS.m, UNIT_MS.s].reduce(
        (sum, unit, i) => sum + Number(m[i + 1] ?? 0) * unit,
        0,
      )
    : 0;
  if (!m || raw.trim() === '' || ms < 1000) {
    throw new RangeError(
      `"${raw}" is not an interval: use a whole number with s, m, h or d, e.g. 30s, 15m, 1h, 1d or 1h30m (at least 1s).`,
    );
  }
  return ms;
}

export interface SyncScheduleOptions {
  /** e.g. `1h`; see parseEvery. */
  every: string;
  /** The `syncFineTunes` input each run gets. */
  options: SyncOptions;
  /** The worker's task queue; default TASK_QUEUE. */
  taskQueue?: string;
  /** Default `finetune-sync`. */
  scheduleId?: string;
}

export interface UpsertedSchedule {
  scheduleId: string;
  /** False when a schedule with this id existed and was updated in place. */
  created: boolean;
  everyMs: number;
}

type SyncAction = ScheduleOptionsStartWorkflowAction<typeof syncFineTunes>;

function scheduleParts(o: SyncScheduleOptions, scheduleId: string, everyMs: number) {
  const what =
    o.options.fineTuneJobId ??
    (o.options.numFineTunes ? `last ${o.options.numFineTunes} jobs` : 'all jobs');
  const action: SyncAction = {
    type: 'startWorkflow',
    workflowType: 'syncFineTunes',
    // Temporal appends the scheduled time to this id, so each run has its own id.
    workflowId: scheduleId,
    taskQueue: o.taskQueue ?? TASK_QUEUE,
    args: [o.options],
    staticSummary: `scheduled sync of ${what} to W&B (${scheduleId})`,
  };
  return {
    spec: { intervals: [{ every: everyMs }] },
    action,
    policies: {
      // A sync still running (e.g. waiting for a job) makes the next one a no-op, not a second run.
      overlap: ScheduleOverlapPolicy.SKIP,
      // After an outage, catch up at most one missed run, not one per missed interval.
      catchupWindow: Math.max(everyMs, 60_000),
    },
  };
}

/**
 * Creates the schedule that starts `syncFineTunes` every `every`, or updates it in place if one
 * with this id exists (same id, new interval and options, its paused state kept): calling it
 * again never makes a second schedule.
 */
export async function upsertSyncSchedule(
  client: Client,
  o: SyncScheduleOptions,
): Promise<UpsertedSchedule> {
  const everyMs = parseEvery(o.every);
  const scheduleId = o.scheduleId ?? DEFAULT_SYNC_SCHEDULE_ID;
  const parts = scheduleParts(o, scheduleId, everyMs);
  // Create, else update; a delete racing between the two sends us round once more.
  for (let attempt = 0; ; attempt++) {
    try {
      await client.schedule.create<typeof syncFineTunes>({ scheduleId, ...parts });
      return { scheduleId, created: true, everyMs };
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    try {
      await client.schedule
        .getHandle(scheduleId)
        .update<typeof syncFineTunes>((previous): ScheduleUpdateOptions<SyncAction> => ({
          ...parts,
          state: {
            paused: previous.state.paused,
            note: previous.state.note,
            remainingActions: previous.state.remainingActions,
          },
        }));
      return { scheduleId, created: false, everyMs };
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError) || attempt >= 2) throw err;
    }
  }
}

/** Deletes the schedule; `deleted` is false when there was none with this id. */
export async function deleteSyncSchedule(
  client: Client,
  scheduleId: string = DEFAULT_SYNC_SCHEDULE_ID,
): Promise<{ scheduleId: string; deleted: boolean }> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return { scheduleId, deleted: true };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return { scheduleId, deleted: false };
    throw err;
  }
}
