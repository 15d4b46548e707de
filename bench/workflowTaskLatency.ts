// Workflow-task latency as the server recorded it: WorkflowTaskScheduled → Started (how long a
// task waited for the worker) and Started → Completed (how long the worker took), from the
// histories of a sample of pipelines and the child workflows they started. A task scheduled on
// the normal queue after a run's first task is a cache miss: the worker had evicted the run and
// replayed its whole history.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: take the namespace from its default export.
const { temporal } = proto;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const E = temporal.api.enums.v1.EventType;
const STICKY = temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY;

export interface TaskLatency {
  histories: number;
  /** Scheduled → Started, ms. */
  scheduleToStartMs: number[];
  /** Started → Completed, ms. */
  startToCompleteMs: number[];
  /** Tasks after a run's first: on the sticky queue (cache hit) or the normal one (replay). */
  sticky: number;
  replayed: number;
  timedOut: number;
}

function ms(e: HistoryEvent): number {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : Number.NaN;
}

function add(into: TaskLatency, events: HistoryEvent[]): string[] {
  const scheduled = new Map<number, HistoryEvent>();
  const started = new Map<number, HistoryEvent>();
  const children: string[] = [];
  let first = true;
  for (const e of events) {
    const id = Number(e.eventId);
    if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) {
      scheduled.set(id, e);
      if (!first) {
        if (e.workflowTaskScheduledEventAttributes?.taskQueue?.kind === STICKY) into.sticky++;
        else into.replayed++;
      }
      first = false;
    } else if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      const s = scheduled.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId));
      if (s) into.scheduleToStartMs.push(ms(e) - ms(s));
      started.set(id, e);
    } else if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      const s = started.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId));
      if (s) into.startToCompleteMs.push(ms(e) - ms(s));
    } else if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
      into.timedOut++;
    } else if (e.eventType === E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) children.push(child);
    }
  }
  return children;
}

/** The latency of every workflow task in these pipelines' histories and their children's. */
export async function sampleTaskLatency(
  client: Client,
  pipelineIds: string[],
): Promise<TaskLatency> {
  const into: TaskLatency = {
    histories: 0,
    scheduleToStartMs: [],
    startToCompleteMs: [],
    sticky: 0,
    replayed: 0,
    timedOut: 0,
  };
  const visit = async (id: string): Promise<void> => {
    const history = await client.workflow.getHandle(id).fetchHistory();
    into.histories++;
    const children = add(into, history.events ?? []);
    for (const child of children) await visit(child).catch(() => undefined);
  };
  // A few at a time: the server is busy with the benchmark itself.
  const queue = [...pipelineIds];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift())
        await visit(id).catch(() => undefined);
    }),
  );
  return into;
}
