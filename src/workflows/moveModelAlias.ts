import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  executeChild,
  isCancellation,
  patched,
  setCurrentDetails,
  sleep,
} from '@temporalio/workflow';
import type {
  AliasMovePlan,
  AliasMoveRequest,
  AliasMoveResult,
  MoveRecord,
} from '../shared/governanceTypes.js';
import { promotionActivities, servingActivities } from './activityOptions.js';
import { pruneUnaliasedServing } from './pruneServing.js';

/**
 * Moves an alias (promotion or rollback) for one model collection: first reads what holds it now
 * (recorded in history, so a crash-resumed move still knows what it replaced), then moves it,
 * idempotently. Only one runs per collection and alias at a time (see moveUnderLock).
 */
export async function moveModelAlias(input: {
  request: AliasMoveRequest;
  record: MoveRecord;
}): Promise<AliasMoveResult> {
  const { request, record } = input;
  setCurrentDetails(
    `${request.kind}: reading what holds "${request.alias}" in ${request.collection}`,
  );
  const plan = await promotionActivities.planAliasMove(request);
  setCurrentDetails(
    plan.moves.map((m) => `${m.role}: ${m.replaced ?? '(none)'} → **${m.ref}**`).join('\n'),
  );
  // Rolling back to a version whose deployment is gone (developer tier after 24 h, a clean-up)
  // re-creates it first, so the alias never points at something that does not answer.
  const serving = await restoreServing(plan);
  const applied = await promotionActivities.applyAliasMove({
    plan,
    record: serving ? { ...record, serving } : record,
  });
  const result: AliasMoveResult = serving ? { ...applied, serving } : applied;
  if (request.kind === 'promote' && request.pruneServing && result.model.replaced) {
    result.pruned = await pruneUnaliasedServing(plan.target, result.model.replaced, record);
  }
  setCurrentDetails(
    `"${request.alias}" is on ${result.model.ref} (was ${result.model.replaced ?? 'none'})` +
      (result.pruned?.length
        ? `; removed deployments: ${result.pruned.map((p) => p.deployment).join(', ')}`
        : ''),
  );
  return result;
}

async function restoreServing(plan: AliasMovePlan): Promise<AliasMoveResult['serving']> {
  const target = plan.serving;
  if (plan.kind !== 'rollback' || !target?.deployment || plan.alreadyThere) return undefined;
  if (!patched('rollback-restores-serving')) return undefined;
  setCurrentDetails(`checking that deployment ${target.deployment.name} still answers`);
  return servingActivities.prepareServing({
    model: target.model,
    purpose: 'production',
    name: target.deployment.name,
    provider: target.provider,
  });
}

/** One id per collection and alias: a second mover waits until the first has finished. */
export function aliasLockId(request: AliasMoveRequest): string {
  const { entity, project } = request.target;
  return `alias-move/${entity}/${project}/${request.collection}/${request.alias}`;
}

/**
 * Runs moveModelAlias as a child with the collection's lock id. Temporal allows one running
 * workflow per id, so concurrent promotions of one collection are serialised and each records
 * the version it really replaced.
 */
export async function moveUnderLock(
  request: AliasMoveRequest,
  record: MoveRecord,
  onWait?: (attempt: number) => void,
): Promise<AliasMoveResult> {
  const workflowId = aliasLockId(request);
  for (let attempt = 1; ; attempt++) {
    try {
      return await executeChild(moveModelAlias, {
        workflowId,
        args: [{ request, record }],
        staticSummary: `${request.kind} "${request.alias}" in ${request.collection}`,
      });
    } catch (err) {
      if (isCancellation(err) || !(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      onWait?.(attempt);
      await sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5)), {
        summary: 'another promotion of this collection is running',
      });
    }
  }
}
