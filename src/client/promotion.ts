import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type {
  AliasMoveResult,
  LineageReport,
  ResolvedAlias,
  RollbackInput,
} from '../shared/governanceTypes.js';
import type { DecisionKind, DecisionReply, DecisionRequest } from '../shared/promotionTypes.js';
import { TASK_QUEUE } from '../shared/types.js';
import { decidePromotionUpdate } from '../workflows/definitions.js';
import type { resolveModelAlias, traceModelLineage } from '../workflows/governanceReads.js';
import type { rollbackPromotion } from '../workflows/rollbackPromotion.js';
import { rootMessage } from './pipeline.js';
import { requireWorker } from './pollers.js';
import { failedOnWorker, readOnWorker } from './reads.js';

/** A decision the pipeline refused, with its reason (wrong stage, not an approver, …). */
export class DecisionRefusedError extends Error {
  override name = 'DecisionRefusedError';
}

/**
 * Approves or rejects through the `decidePromotion` Update: the answer says at once whether the
 * pipeline accepted it and, for an approval, which versions were promoted.
 */
export async function decidePromotion(
  client: Client,
  workflowId: string,
  decision: DecisionKind,
  request: DecisionRequest,
  options: { taskQueue?: string } = {},
): Promise<DecisionReply> {
  const handle = client.workflow.getHandle(workflowId);
  let taskQueue: string;
  try {
    const d = await handle.describe();
    taskQueue = d.taskQueue;
    if (d.status.name !== 'RUNNING') {
      throw new DecisionRefusedError(
        `Pipeline ${workflowId} is not running (${d.status.name.toLowerCase()}): there is nothing to decide.`,
      );
    }
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new DecisionRefusedError(
        `No pipeline with workflow id "${workflowId}" in this namespace.`,
      );
    }
    throw err;
  }
  await requireWorker(client, options.taskQueue ?? taskQueue, 'the decision');
  try {
    return await handle.executeUpdate(decidePromotionUpdate, {
      args: [{ decision, ...request }],
      updateId: `decide-${randomUUID()}`,
    });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRefusedError(rootMessage(err));
    throw err;
  }
}

interface RunOptions {
  taskQueue?: string;
  /** Default: `<workflow type>-<uuid>` (a rollback; a read only where it runs as a workflow). */
  workflowId?: string;
}

async function runOnWorker<T>(
  client: Client,
  what: string,
  type: string,
  args: unknown[],
  options: RunOptions,
): Promise<T> {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  await requireWorker(client, taskQueue, what);
  try {
    return await client.workflow.execute<(...a: unknown[]) => Promise<T>>(type, {
      workflowId: options.workflowId ?? `${type}-${randomUUID()}`,
      taskQueue,
      args,
      // Reads answer in seconds; a stuck one must not hang a deploy script forever.
      workflowExecutionTimeout: '5 minutes',
      staticSummary: what,
    });
  } catch (err) {
    throw failedOnWorker(what, err);
  }
}

/** `finetune rollback`: moves the alias back and says from which version to which. */
export function rollback(
  client: Client,
  input: RollbackInput,
  options: RunOptions = {},
): Promise<AliasMoveResult> {
  return runOnWorker<Awaited<ReturnType<typeof rollbackPromotion>>>(
    client,
    `roll back "${input.alias}" in ${input.collection}`,
    'rollbackPromotion',
    [input],
    options,
  );
}

/** `finetune resolve`: what the alias points to now, or null when nothing holds it. */
export function resolve(
  client: Client,
  input: Parameters<typeof resolveModelAlias>[0],
  options: RunOptions = {},
): Promise<ResolvedAlias | null> {
  const what = `resolve "${input.alias}"`;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  return readOnWorker(client, { what, activity: 'readModelAlias', input, taskQueue }, () =>
    runOnWorker(client, what, 'resolveModelAlias', [input], options),
  );
}

/** `finetune lineage` from a model version or job id. */
export function lineage(
  client: Client,
  input: Parameters<typeof traceModelLineage>[0],
  options: RunOptions = {},
): Promise<LineageReport> {
  const what = `trace the lineage of ${input.start}`;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  return readOnWorker(client, { what, activity: 'readModelLineage', input, taskQueue }, () =>
    runOnWorker(client, what, 'traceModelLineage', [input], options),
  );
}
