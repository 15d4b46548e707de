import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, isCancellation, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { MoveRecord } from '../../shared/governanceTypes.js';
import type { KbMoveRequest, KbMoveResult } from '../../shared/knowledgeBaseTypes.js';
import { kbMoveActivities } from '../activityOptions.js';
import { kbLockId } from './rules.js';

/**
 * Moves a knowledge base's production (promotion or rollback): reads the plan first (what
 * production holds, where it goes; recorded in history, so a crash-resumed move knows what it
 * replaced), moves the store's pointer by compare-and-swap (what RAG services read), then the W&B
 * `production` alias on the index, documents and chunks versions (the record, with who and why).
 * Runs as a child under the knowledge base's lock id (see moveKbUnderLock).
 */
export async function moveKbProduction(input: {
  request: KbMoveRequest;
  record: MoveRecord;
}): Promise<KbMoveResult> {
  const { request, record } = input;
  setCurrentDetails(`${request.kind}: reading what production of ${request.kb} holds`);
  const plan = await kbMoveActivities.planKbMove(request);
  setCurrentDetails(
    `${request.kind}: production of ${request.kb} ${plan.from ?? '(none)'} → **${plan.to}**`,
  );
  const pointer = await kbMoveActivities.moveKbPointer(plan);
  const wandb = plan.wandb
    ? await kbMoveActivities.applyAliasMove({ plan: plan.wandb, record })
    : undefined;
  setCurrentDetails(
    `production of ${request.kb} is on **${pointer.to}** (was ${pointer.from ?? 'none'})` +
      (wandb ? `; W&B: ${wandb.model.ref}` : ''),
  );
  return {
    kind: request.kind,
    kb: request.kb,
    store: request.store,
    from: pointer.from,
    to: pointer.to,
    moved: pointer.moved,
    ...(wandb ? { wandb } : {}),
  };
}

/**
 * Runs moveKbProduction as a child whose id is the knowledge base's lock: Temporal runs one
 * workflow per id, so two promotions or rollbacks of one knowledge base never interleave (LanceDB
 * tags have no compare-and-swap of their own). A mover that finds the lock busy tries again after
 * 1, 2, 4 … 30 s.
 */
export async function moveKbUnderLock(
  request: KbMoveRequest,
  record: MoveRecord,
  onWait?: (attempt: number) => void,
): Promise<KbMoveResult> {
  const workflowId = kbLockId(request.kb, request.store);
  for (let attempt = 1; ; attempt++) {
    try {
      return await executeChild(moveKbProduction, {
        workflowId,
        args: [{ request, record }],
        staticSummary: `${request.kind} production of knowledge base ${request.kb}`,
      });
    } catch (err) {
      if (isCancellation(err) || !(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      onWait?.(attempt);
      await sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5)), {
        summary: 'another promotion or rollback of this knowledge base is running',
      });
    }
  }
}
