import { Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_SYNC_SCHEDULE_ID,
  deleteSyncSchedule,
  parseEvery,
  upsertSyncSchedule,
} from '../../client/schedule.js';
import { TASK_QUEUE } from '../../shared/types.js';
import { addSyncOptionFlags, syncOptionsFromFlags, type SyncOptionFlags } from '../syncOptions.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

interface ScheduleSyncFlags extends TemporalFlags, SyncOptionFlags {
  every?: string;
  delete: boolean;
  scheduleId: string;
  taskQueue: string;
  json: boolean;
}

/** A commander parser for `--every`: keeps the text (Temporal's own format), refuses garbage. */
export function parseEveryOption(raw: string): string {
  try {
    parseEvery(raw);
    return raw.trim();
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function scheduleSyncCommand(): Command {
  return withTemporalFlags(
    addSyncOptionFlags(
      new Command('schedule-sync').description(
        'Run `finetune sync` on a Temporal Schedule every interval (created, or updated in place)',
      ),
    )
      .option('--every <interval>', 'how often, e.g. 30s, 15m, 1h, 1d', parseEveryOption)
      .option('--delete', 'delete the schedule instead', false)
      .option('--schedule-id <id>', 'schedule id', DEFAULT_SYNC_SCHEDULE_ID)
      .option('--task-queue <name>', 'task queue of the worker', TASK_QUEUE)
      .option('--json', 'print JSON', false),
  ).action(async (f: ScheduleSyncFlags) => {
    const print = (json: object, text: string) =>
      process.stdout.write(f.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
    if (f.delete) {
      if (f.every) throw new UserError('Give --every or --delete, not both.');
      const client = await clientFor(f);
      const r = await deleteSyncSchedule(client, f.scheduleId);
      print(
        r,
        r.deleted
          ? `deleted schedule ${r.scheduleId}`
          : `no schedule ${r.scheduleId}: nothing to delete`,
      );
      return;
    }
    if (!f.every) throw new UserError('--every is required (e.g. --every 1h), or give --delete.');
    const options = syncOptionsFromFlags(f);
    const client = await clientFor(f);
    const r = await upsertSyncSchedule(client, {
      every: f.every,
      options,
      taskQueue: f.taskQueue,
      scheduleId: f.scheduleId,
    });
    const next = await client.schedule
      .getHandle(r.scheduleId)
      .describe()
      .then((d) => d.info.nextActionTimes[0]?.toISOString())
      .catch(() => undefined);
    print(
      { ...r, every: f.every, taskQueue: f.taskQueue, nextRun: next ?? null },
      `${r.created ? 'created' : 'updated'} schedule ${r.scheduleId}: sync every ${f.every} ` +
        `on task queue ${f.taskQueue}${next ? `; next run ${next}` : ''}`,
    );
  });
}
