import {
  CancellationScope,
  defineSignal,
  getExternalWorkflowHandle,
  isCancellation,
} from '@temporalio/workflow';

// How the alias lock is handed on. The lock itself is the child workflow id
// `alias-move/<entity>/<project>/<collection>/<alias>`: Temporal runs one workflow per id, so
// these signals never decide who may move an alias; they only wake the next mover the moment the
// lock is free, instead of after a sleep. A lost signal costs a waiter its fallback timer.
//
// 1. A mover that finds the lock busy asks the holder (the running child) to queue it.
// 2. The holder, when its move is over, passes its queue to its parent (the mover that started
//    it), which is still running: it is waiting for the child.
// 3. The parent, once the child has closed (so the id is free), hands the lock to the first
//    waiter with the rest of the queue; that waiter starts the next child with it.

/** Waiter → holder: hand the lock on to these when you are done. */
export const queueForAliasMoveSignal = defineSignal<[AliasQueueRequest]>('queueForAliasMove');

/** Holder → its parent: these wait after my move, in this order. */
export const aliasMoveQueueSignal = defineSignal<[{ queue: string[] }]>('aliasMoveQueue');

/** The parent of a finished holder → the next waiter: the lock is free; `queue` waits after you. */
export const aliasMoveHandedOnSignal = defineSignal<[AliasHandOff]>('aliasMoveHandedOn');

export interface AliasQueueRequest {
  /** Workflow ids, in the order they should get the lock. */
  waiters: string[];
  /** They were handed the lock before and lost it to a newcomer: they go first. */
  front: boolean;
}

export interface AliasHandOff {
  /** The lock's workflow id. */
  lock: string;
  /** Who waits after the receiver, in order. */
  queue: string[];
}

/** How long a waiter waits for its hand-off before trying the lock again on its own. */
export const HAND_OFF_FALLBACK_MS = 30_000;

/** Adds waiters to a queue, at the back or at the front; nobody is in it twice. */
export function enqueue(queue: readonly string[], request: AliasQueueRequest): string[] {
  const waiters = [...new Set(request.waiters)];
  if (request.front) return [...waiters, ...queue.filter((w) => !waiters.includes(w))];
  return [...queue, ...waiters.filter((w) => !queue.includes(w))];
}

/**
 * Hands the lock to the first of `queue` still there to take it (a waiter may have been
 * cancelled meanwhile), with the rest of the queue. Returns who got it, or null.
 */
export function handOn(lock: string, queue: readonly string[]): Promise<string | null> {
  return CancellationScope.nonCancellable(async () => {
    for (let i = 0; i < queue.length; i++) {
      const next = queue[i]!;
      try {
        await getExternalWorkflowHandle(next).signal(aliasMoveHandedOnSignal, {
          lock,
          queue: queue.slice(i + 1),
        });
        return next;
      } catch (err) {
        if (isCancellation(err)) throw err;
        // Closed or gone: the next one in line.
      }
    }
    return null;
  });
}

/** Sends `signal` best effort: false when the target is closed or gone. */
export async function trySignal<T>(
  workflowId: string,
  send: (handle: ReturnType<typeof getExternalWorkflowHandle>) => Promise<T>,
): Promise<boolean> {
  try {
    await send(getExternalWorkflowHandle(workflowId));
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    return false;
  }
}
