import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: take the namespace from its default export.
const { temporal } = proto;

/** Thrown when no worker polls the task queue a command needs: says which and how to start one. */
export class NoWorkerError extends Error {
  override name = 'NoWorkerError';
  constructor(
    message: string,
    readonly taskQueue: string,
    readonly namespace: string,
  ) {
    super(message);
  }
}

/** The workers the server has seen polling a task queue (for workflow tasks) recently. */
export interface QueuePollers {
  taskQueue: string;
  namespace: string;
  /** Identities of the pollers seen (e.g. `12345@host`), newest first as the server lists them. */
  identities: string[];
  /** When the most recent poll was seen, if the server says. */
  lastAccessTime?: Date;
}

/**
 * The pollers of a task queue's workflow tasks. The server lists the pollers it has seen in the
 * last few minutes, so a worker that stopped a moment ago may still appear for a while.
 */
export async function describePollers(client: Client, taskQueue: string): Promise<QueuePollers> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: {
      name: taskQueue,
      kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
    },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const pollers = res.pollers ?? [];
  let last: number | undefined;
  for (const p of pollers) {
    const t = p.lastAccessTime;
    if (!t?.seconds) continue;
    const ms = Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
    if (last === undefined || ms > last) last = ms;
  }
  return {
    taskQueue,
    namespace: client.options.namespace,
    identities: pollers.map((p) => p.identity ?? '').filter(Boolean),
    ...(last !== undefined ? { lastAccessTime: new Date(last) } : {}),
  };
}

/**
 * Whether any worker has polled the queue recently (the server lists pollers seen in the last
 * minutes). Used before calls that would otherwise wait silently for a worker that is not there.
 */
export async function hasWorkflowPollers(client: Client, taskQueue: string): Promise<boolean> {
  return (await describePollers(client, taskQueue)).identities.length > 0;
}

/** How to get a worker onto `taskQueue`: the command line that starts one. */
export function startWorkerHint(taskQueue: string): string {
  return `FINETUNE_TASK_QUEUE=${taskQueue} finetune worker`;
}

/** One sentence: nobody polls the queue, so `what` would wait; how to start a worker. */
export function noWorkerMessage(
  taskQueue: string,
  namespace: string,
  what: string,
  extra = 'or pass --task-queue with the queue your worker listens on.',
): string {
  return (
    `No worker is polling task queue "${taskQueue}" in namespace "${namespace}", so ${what} would wait for one. ` +
    `Start one with \`${startWorkerHint(taskQueue)}\` (it needs OPENAI_API_KEY)${extra ? `, ${extra}` : '.'}`
  );
}

/**
 * A worker that started a moment ago polls before the server lists it, so a script that starts
 * a worker and then a command gets this long for the worker to show up.
 */
const WORKER_APPEAR_GRACE_MS = 2_000;
const WORKER_APPEAR_STEP_MS = 200;

/** Throws NoWorkerError (see noWorkerMessage) unless a worker polls `taskQueue`. */
export async function requireWorker(
  client: Client,
  taskQueue: string,
  what: string,
  extra?: string,
): Promise<void> {
  const deadline = Date.now() + WORKER_APPEAR_GRACE_MS;
  for (;;) {
    if (await hasWorkflowPollers(client, taskQueue)) return;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, WORKER_APPEAR_STEP_MS));
  }
  const namespace = client.options.namespace;
  throw new NoWorkerError(noWorkerMessage(taskQueue, namespace, what, extra), taskQueue, namespace);
}
