import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: take the namespace from its default export.
const { temporal } = proto;

/** Thrown when no worker polls the task queue a command needs: says which and how to start one. */
export class NoWorkerError extends Error {
  override name = 'NoWorkerError';
}

/**
 * Whether any worker has polled the queue recently (the server lists pollers seen in the last
 * minutes). Used before calls that would otherwise wait silently for a worker that is not there.
 */
export async function hasWorkflowPollers(client: Client, taskQueue: string): Promise<boolean> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: {
      name: taskQueue,
      kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
    },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (res.pollers ?? []).length > 0;
}

export async function requireWorker(
  client: Client,
  taskQueue: string,
  what: string,
): Promise<void> {
  if (await hasWorkflowPollers(client, taskQueue)) return;
  throw new NoWorkerError(
    `No worker is polling task queue "${taskQueue}" in namespace "${client.options.namespace}", so ${what} would wait for one. ` +
      `Start one with \`finetune worker\` (FINETUNE_TASK_QUEUE=${taskQueue}), or pass --task-queue with the queue your worker listens on.`,
  );
}
