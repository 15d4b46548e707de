import { nowSeconds } from './clock.js';
import type { EmulatorContext } from './context.js';
import type { EventRecord, JobRecord } from './records.js';

/** Appends an event to the job (listing returns them newest first). */
export function addEvent(
  ctx: EmulatorContext,
  job: JobRecord,
  message: string,
  opts: {
    level?: EventRecord['level'];
    type?: EventRecord['type'];
    data?: Record<string, number>;
  } = {},
): void {
  job.events.push({
    id: ctx.ids.event(),
    createdAt: nowSeconds(),
    level: opts.level ?? 'info',
    message,
    type: opts.type ?? 'message',
    data: opts.data ?? {},
  });
}
