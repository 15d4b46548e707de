import {
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AliasMoveResult, RollbackInput } from '../shared/governanceTypes.js';
import { FineTuneStage } from '../shared/searchAttributes.js';
import { promotionActivities } from './activityOptions.js';
import { wandbNotConfigured } from './failures.js';
import { moveUnderLock } from './moveModelAlias.js';
import { WorkflowEvents } from './events.js';
import { PATCH } from './patches.js';
import { RollbackApproval } from './rollbackApproval.js';

/**
 * `finetune rollback`: moves the alias back — by default to the version the current one replaced
 * — for the model and the dataset versions it was trained on, recording who and why on both
 * versions. Serialised with promotions of the same collection.
 */
export async function rollbackPromotion(input: RollbackInput): Promise<AliasMoveResult> {
  // Under the worker's approval policy, signed decisions decide (patch: runs before it did not ask).
  const approval = patched(PATCH.signedRollbacks) ? new RollbackApproval() : undefined;
  const target = await promotionActivities.resolveWandbTarget({
    project: input.project,
    entity: input.entity,
  });
  if (!target) throw wandbNotConfigured('Rolling back');
  const approved = await approval?.decide(input, target);
  const by = approved?.by ?? input.by;
  setCurrentDetails(`rolling back "${input.alias}" in ${input.collection}: ${input.reason}`);
  const info = workflowInfo();
  const result = await moveUnderLock(
    {
      kind: 'rollback',
      target,
      alias: input.alias,
      collection: input.collection,
      version: approved?.toVersion ?? input.to,
    },
    {
      id: info.workflowId,
      at: new Date(Date.now()).toISOString(),
      by,
      how: 'rollback',
      reason: input.reason,
      workflowId: info.workflowId,
      ...(approved?.comment ? { comment: approved.comment } : {}),
      ...(approved ? { signed: approved.signed } : {}),
    },
  );
  upsertSearchAttributes([{ key: FineTuneStage, value: 'rolled_back' }]);
  await new WorkflowEvents(patched(PATCH.outgoingEvents)).emit('rollback.completed', {
    workflowId: info.workflowId,
    runId: info.firstExecutionRunId,
    namespace: info.namespace,
    collection: input.collection,
    alias: input.alias,
    modelVersion: result.model.ref,
    replaced: result.model.replaced,
    datasetVersions: result.datasets.map((d) => ({ role: d.role, ref: d.ref })),
    ...(result.serving ? { servedAs: result.serving.servedAs } : {}),
    by,
    reason: input.reason,
  });
  setCurrentDetails(
    `"${input.alias}" rolled back to **${result.model.ref}** (from ${result.model.replaced ?? 'none'}) by ${by}: ${input.reason}`,
  );
  return result;
}
