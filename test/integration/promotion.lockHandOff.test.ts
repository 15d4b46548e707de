import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { approvePromotionSignal, progressQuery } from '../../src/workflows/definitions.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import { spawnWorker, type WorkerProcess } from './support/workerProcess.js';

// Promotions queued for one collection's alias lock are handed it one after another, in the
// order they asked: each waiter asks once, is woken once by a signal, and never by its timer.
// Asserted on the workflows' events, not on timings (bench:lock measures those).

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const N = 4;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const signalsSent = (events: HistoryEvent[], name: string) =>
  events.flatMap((e) => {
    const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
    return a?.signalName === name ? [a.workflowExecution?.workflowId ?? ''] : [];
  });
const signalsReceived = <T>(events: HistoryEvent[], name: string): T[] =>
  events.flatMap((e) => {
    const a = e.workflowExecutionSignaledEventAttributes;
    if (a?.signalName !== name) return [];
    return [defaultPayloadConverter.fromPayload<T>(a.input!.payloads![0]!)];
  });
const failedStarts = (events: HistoryEvent[]) =>
  events.filter((e) => e.startChildWorkflowExecutionFailedEventAttributes).length;
/** Timers that fired after running their full 30 s: the hand-off fallback. */
const fallbackTimersFired = (events: HistoryEvent[]) => {
  const fallback = new Set(
    events
      .filter(
        (e) => String(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) === '30',
      )
      .map((e) => e.timerStartedEventAttributes!.timerId),
  );
  return events.filter((e) => fallback.has(e.timerFiredEventAttributes?.timerId ?? '')).length;
};

describe('the alias lock is handed on', () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  /** N pipelines of one project, each awaiting approval (gates off). */
  const awaitingApproval = async (project: string, n: number) => {
    const pipelines = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        startFineTunePipeline(
          h.client,
          sampleInput(FAST, {
            suffix: `handoff-${i}`,
            wandb: { project },
            promotion: { gates: { pii: 'off', tokenLimit: 'off', drift: 'off', eval: 'off' } },
          }),
          { taskQueue: h.taskQueue },
        ),
      ),
    );
    for (const p of pipelines) {
      await eventually(
        `${p.workflowId} awaiting approval`,
        async () => (await p.handle.query(progressQuery)).stage === 'awaiting_approval',
        120_000,
      );
    }
    return pipelines;
  };
  const productionMoves = (project: string) =>
    h
      .wandb!.state.aliasMoves()
      .filter(
        (m) =>
          m.project === `${TEST_WANDB_ENTITY}/${project}` &&
          m.collection === 'model-metadata' &&
          m.alias === 'production',
      );

  it(`${N} approvals at once: FIFO hand-offs, one request and one wake-up each, every move records what it replaced`, async () => {
    const project = `handoff-${randomUUID().slice(0, 8)}`;
    const pipelines = await awaitingApproval(project, N);
    // Each move takes a couple of seconds, so every other approval finds the lock taken.
    h.wandb!.setFaults({ latencyMs: 120, onlyPaths: /graphql/ });
    await Promise.all(
      pipelines.map((p) => p.handle.signal(approvePromotionSignal, { by: 'alice' })),
    );
    const results = await Promise.all(pipelines.map((p) => p.handle.result()));
    h.wandb!.setFaults(undefined);

    // The lock's runs in the order they held it, and the mover (parent) of each.
    const lockId = `alias-move/${TEST_WANDB_ENTITY}/${project}/model-metadata/production`;
    const runs = await eventually('the lock runs to be listed', async () => {
      const found: { runId: string; start: number; parent: string }[] = [];
      for await (const w of h.client.workflow.list({ query: `WorkflowId = "${lockId}"` })) {
        if (!w.closeTime) continue;
        const d = await h.client.workflow.getHandle(lockId, w.runId).describe();
        found.push({
          runId: w.runId,
          start: w.startTime.getTime(),
          parent: d.parentExecution?.workflowId ?? '',
        });
      }
      return found.length === N ? found.sort((a, b) => a.start - b.start) : undefined;
    });
    const order = runs.map((r) => r.parent);
    expect(new Set(order)).toEqual(new Set(pipelines.map((p) => p.workflowId)));

    // Each move replaced exactly the one before it.
    const byId = new Map(pipelines.map((p, i) => [p.workflowId, results[i]!]));
    const promoted = order.map((id) => byId.get(id)!.approval!.promotion!);
    expect(promoted[0]!.replaced).toBeNull();
    for (let k = 1; k < N; k++) expect(promoted[k]!.replaced).toBe(promoted[k - 1]!.modelVersion);

    // FIFO: the first holder queued the others in the order they asked, and they got the lock in
    // that order; each mover handed the lock to the next one, with the rest of the queue.
    const firstLock = await h.client.workflow.getHandle(lockId, runs[0]!.runId).fetchHistory();
    const asked = signalsReceived<{ waiters: string[] }>(
      firstLock.events ?? [],
      'queueForAliasMove',
    );
    expect(asked.flatMap((r) => r.waiters)).toEqual(order.slice(1));

    for (let k = 0; k < N; k++) {
      const events = (await h.client.workflow.getHandle(order[k]!).fetchHistory()).events ?? [];
      const waiter = k > 0;
      const last = k === N - 1;
      expect(failedStarts(events), `${k}: lock found taken`).toBe(waiter ? 1 : 0);
      expect(signalsSent(events, 'queueForAliasMove'), `${k}: asked to be queued`).toEqual(
        waiter ? [lockId] : [],
      );
      const handedTo = signalsReceived<{ lock: string; queue: string[] }>(
        events,
        'aliasMoveHandedOn',
      );
      expect(handedTo, `${k}: woken by a hand-off`).toEqual(
        waiter ? [{ lock: lockId, queue: order.slice(k + 1) }] : [],
      );
      expect(signalsSent(events, 'aliasMoveHandedOn'), `${k}: handed on`).toEqual(
        last ? [] : [order[k + 1]],
      );
      expect(fallbackTimersFired(events), `${k}: woken by its timer`).toBe(0);
    }
  }, 300_000);

  it('a worker SIGKILLed while promotions are queued: each is promoted once, in one chain', async () => {
    const project = `handoff-kill-${randomUUID().slice(0, 8)}`;
    const pipelines = await awaitingApproval(project, 3);
    await h.stopWorker();
    worker = spawnWorker(h);
    h.wandb!.setFaults({ latencyMs: 150, onlyPaths: /graphql/ });
    await Promise.all(
      pipelines.map((p) => p.handle.signal(approvePromotionSignal, { by: 'alice' })),
    );
    // Killed once the first move is done and the lock is being handed on.
    await eventually(
      'the first move',
      () => productionMoves(project).length >= 1 || undefined,
      120_000,
    );
    await worker.kill();
    worker = spawnWorker(h);
    const results = await Promise.all(pipelines.map((p) => p.handle.result()));
    h.wandb!.setFaults(undefined);

    const promoted = results.map((r) => r.approval!.promotion!);
    expect(results.map((r) => r.stage)).toEqual(['promoted', 'promoted', 'promoted']);
    // One chain: the first replaced nothing, each other exactly one earlier promotion, no two the same.
    const byReplaced = new Map(promoted.map((p) => [p.replaced ?? null, p]));
    expect(byReplaced.size).toBe(3);
    let next = byReplaced.get(null);
    const chain: string[] = [];
    while (next) {
      chain.push(next.modelVersion!);
      next = byReplaced.get(next.modelVersion!);
    }
    expect(chain).toHaveLength(3);
    // The alias moved exactly three times, each from the version the one before moved it to.
    const moves = productionMoves(project);
    expect(moves.map((m) => m.from)).toEqual([null, moves[0]!.to, moves[1]!.to]);
    expect(moves.map((m) => `v${m.to}`)).toEqual(chain.map((ref) => ref.split(':').pop()));
  }, 300_000);
});
