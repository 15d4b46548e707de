import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  deprecatePatch,
  executeChild,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  AliasMovePlan,
  AliasMoveRequest,
  AliasMoveResult,
  MoveRecord,
} from '../shared/governanceTypes.js';
import { promotionActivities, servingActivities } from './activityOptions.js';
import {
  aliasMoveHandedOnSignal,
  aliasMoveQueueSignal,
  enqueue,
  HAND_OFF_FALLBACK_MS,
  handOn,
  queueForAliasMoveSignal,
  trySignal,
} from './aliasLock.js';
import { HANDLER_DESCRIPTIONS } from './definitions.js';
import { pruneUnaliasedServing } from './pruneServing.js';
import { PATCH } from './patches.js';

/**
 * Moves an alias (promotion or rollback) for one model collection: first reads what holds it now
 * (recorded in history, so a crash-resumed move still knows what it replaced), then moves it,
 * idempotently. Only one runs per collection and alias at a time (see moveUnderLock); `queue`:
 * the movers waiting after this one, handed on by the previous move.
 */
export async function moveModelAlias(input: {
  request: AliasMoveRequest;
  record: MoveRecord;
  queue?: string[];
}): Promise<AliasMoveResult> {
  const waiting = holderQueue(input.queue ?? []);
  try {
    return await move(input.request, input.record);
  } finally {
    await waiting.passToParent();
  }
}

async function move(request: AliasMoveRequest, record: MoveRecord): Promise<AliasMoveResult> {
  setCurrentDetails(
    `${request.kind}: reading what holds "${request.alias}" in ${request.collection}`,
  );
  const plan = await promotionActivities.planAliasMove(request);
  setCurrentDetails(
    [
      ...plan.moves.map(
        (m) =>
          `${m.role}: ${(m.from !== undefined ? m.from : m.replaced) ?? '(none)'} → **${m.ref}**`,
      ),
      ...(plan.removals ?? []).map((r) => `${r.role}: "${plan.alias}" off ${r.ref}`),
    ].join('\n'),
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

/**
 * The holder's queue: movers that found the lock busy ask to be queued; when the move is over
 * (done, failed or cancelled) the queue goes to the parent, which hands the lock on once this
 * workflow has closed and its id is free.
 */
function holderQueue(inherited: string[]): { passToParent(): Promise<void> } {
  let queue = [...inherited];
  let closing = false;
  const parent = workflowInfo().parent?.workflowId;
  const pass = async () => {
    while (parent && queue.length > 0) {
      const batch = queue;
      queue = [];
      await trySignal(parent, (h) => h.signal(aliasMoveQueueSignal, { queue: batch }));
    }
  };
  setHandler(
    queueForAliasMoveSignal,
    async (request) => {
      queue = enqueue(queue, request);
      if (closing) await CancellationScope.nonCancellable(pass);
    },
    { description: HANDLER_DESCRIPTIONS.queueForAliasMove },
  );
  return {
    passToParent: () =>
      CancellationScope.nonCancellable(async () => {
        if (!patched(PATCH.aliasLockHandOff)) return;
        closing = true;
        await pass();
        await condition(allHandlersFinished);
      }),
  };
}

async function restoreServing(plan: AliasMovePlan): Promise<AliasMoveResult['serving']> {
  const target = plan.serving;
  if (plan.kind !== 'rollback' || !target?.deployment || plan.alreadyThere) return undefined;
  deprecatePatch(PATCH.rollbackRestoresServing);
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
 * the version it really replaced. A mover that finds the lock busy queues itself with the holder
 * and is handed the lock the moment it is free (aliasLock.ts); pipelines started before the
 * hand-off existed retry on a timer as they always did.
 */
export async function moveUnderLock(
  request: AliasMoveRequest,
  record: MoveRecord,
  onWait?: (attempt: number) => void,
): Promise<AliasMoveResult> {
  if (!patched(PATCH.aliasLockHandOff)) return retryOnTimer(request, record, onWait);
  const lock = aliasLockId(request);
  const me = workflowInfo().workflowId;
  let inherited: string[] = []; // handed to me: they wait after me
  let after: string[] = []; // from my move: they wait after it
  let handedOn = false;
  let done = false;
  setHandler(
    aliasMoveHandedOnSignal,
    async (handOff) => {
      if (handOff.lock !== lock) return;
      if (done) {
        await handOn(lock, handOff.queue); // late: pass it on rather than strand the queue
        return;
      }
      handedOn = true;
      inherited = enqueue(inherited, { waiters: handOff.queue, front: false });
    },
    { description: HANDLER_DESCRIPTIONS.aliasMoveHandedOn },
  );
  setHandler(
    aliasMoveQueueSignal,
    ({ queue }) => {
      after = enqueue(after, { waiters: queue, front: false });
    },
    { description: HANDLER_DESCRIPTIONS.aliasMoveQueue },
  );
  try {
    for (let attempt = 1; ; attempt++) {
      const queue = inherited;
      inherited = [];
      try {
        return await executeChild(moveModelAlias, {
          workflowId: lock,
          args: [{ request, record, ...(queue.length > 0 ? { queue } : {}) }],
          staticSummary: `${request.kind} "${request.alias}" in ${request.collection}`,
        });
      } catch (err) {
        if (isCancellation(err) || !(err instanceof WorkflowExecutionAlreadyStartedError))
          throw err;
        inherited = enqueue(inherited, { waiters: queue, front: true });
      }
      onWait?.(attempt);
      // Handed the lock, yet a newcomer took it first: ask to be next, with my queue.
      const promised = handedOn;
      handedOn = false;
      const queued = await trySignal(lock, (h) =>
        h.signal(queueForAliasMoveSignal, { waiters: [me, ...inherited], front: promised }),
      );
      if (!queued) continue; // the holder closed meanwhile: the lock is free, try at once
      inherited = [];
      // The hand-off wakes me; the timer only covers a hand-off that never comes.
      await condition(() => handedOn, HAND_OFF_FALLBACK_MS);
    }
  } finally {
    done = true;
    await handOn(lock, enqueue(after, { waiters: inherited, front: false }));
  }
}

/** Before the hand-off: retry after 1, 2, 4 … 30 s (kept so running pipelines replay). */
async function retryOnTimer(
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
