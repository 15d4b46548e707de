import { patched, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { KbMoveResult, RollbackKnowledgeBaseInput } from '../../shared/knowledgeBaseTypes.js';
import { KB_DEFAULTS } from '../../shared/knowledgeBaseTypes.js';
import { kbMoveActivities } from '../activityOptions.js';
import { WorkflowEvents } from '../events.js';
import { PATCH } from '../patches.js';
import { indexPointer } from './events.js';
import { moveKbUnderLock } from './moveProduction.js';

/**
 * `finetune kb rollback`: moves production back — by default to what the current version
 * replaced — in the store (what RAG services read) and in W&B (index, documents and chunks),
 * recording who and why. Serialised with promotions of the same knowledge base.
 */
export async function rollbackKnowledgeBase(
  input: RollbackKnowledgeBaseInput,
): Promise<KbMoveResult> {
  const storeRef = await kbMoveActivities.resolveKbStore({ store: input.store });
  const store = storeRef.location;
  const target =
    input.wandb === false
      ? null
      : await kbMoveActivities.resolveWandbTarget({
          project: input.wandb?.project ?? KB_DEFAULTS.project,
          entity: input.wandb?.entity,
          optional: true,
        });
  setCurrentDetails(`rolling back production of ${input.kb}: ${input.reason}`);
  const info = workflowInfo();
  const result = await moveKbUnderLock(
    {
      kind: 'rollback',
      kb: input.kb,
      store,
      ...(input.to ? { toVersion: input.to } : {}),
      ...(target ? { wandb: { target } } : {}),
    },
    {
      id: info.workflowId,
      at: new Date(Date.now()).toISOString(),
      by: input.by,
      how: 'rollback',
      reason: input.reason,
      workflowId: info.workflowId,
    },
  );
  setCurrentDetails(
    `production of ${input.kb} rolled back to **${result.to}** (from ${result.from ?? 'none'}) by ${input.by}: ${input.reason}`,
  );
  await new WorkflowEvents(patched(PATCH.kbOutgoingEvents)).emit('kb.rollback.completed', {
    workflowId: info.workflowId,
    runId: info.firstExecutionRunId,
    namespace: info.namespace,
    kb: input.kb,
    alias: 'production',
    index: indexPointer(storeRef.kind, result),
    ...(result.wandb
      ? { indexVersionRef: result.wandb.model.ref, replacedRef: result.wandb.model.replaced }
      : {}),
    by: input.by,
    reason: input.reason,
  });
  return result;
}
