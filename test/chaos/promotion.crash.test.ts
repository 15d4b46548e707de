import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { approvePromotionSignal, progressQuery } from '../../src/workflows/definitions.js';
import {
  eventually,
  startHarness,
  TEST_WANDB_ENTITY,
  type Harness,
} from '../integration/support/harness.js';
import { sampleInput } from '../integration/support/pipelineInput.js';
import { spawnWorker, type WorkerProcess } from '../integration/support/workerProcess.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

describe('promotion across a worker crash, and two promotions at once', () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  const productionMoves = (project: string) =>
    h
      .wandb!.state.aliasMoves()
      .filter(
        (m) =>
          m.project === `${TEST_WANDB_ENTITY}/${project}` &&
          m.collection === 'model-metadata' &&
          m.alias === 'production',
      );

  it('a worker SIGKILLed in the middle of moving the alias: moved once, no extra version, right "replaced"', async () => {
    const project = `crash-${randomUUID().slice(0, 8)}`;
    worker = spawnWorker(h);
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix: 'crash', wandb: { project }, promotion: {} }),
      { taskQueue: h.taskQueue },
    );
    await eventually(
      'awaiting approval',
      async () => (await started.handle.query(progressQuery)).stage === 'awaiting_approval',
      90_000,
    );
    const versionsBefore = h.wandb!.state.artifactVersions(
      TEST_WANDB_ENTITY,
      project,
      'model-metadata',
    );
    // Every W&B call now takes a while, so the kill lands inside the alias move.
    h.wandb!.setFaults({ latencyMs: 700, onlyPaths: /graphql/ });
    await started.handle.signal(approvePromotionSignal, { by: 'alice', comment: 'ship it' });
    const lock = h.client.workflow.getHandle(
      `alias-move/${TEST_WANDB_ENTITY}/${project}/model-metadata/production`,
    );
    await eventually(
      'the alias move to be under way',
      async () => {
        const d = await lock.describe().catch(() => undefined);
        const pending = d?.raw.pendingActivities ?? [];
        return pending.some((a) => a.activityType?.name === 'applyAliasMove') || undefined;
      },
      60_000,
    );
    await new Promise((r) => setTimeout(r, 2500)); // some writes done, not all
    await worker.kill();
    h.wandb!.setFaults(undefined);
    worker = spawnWorker(h);

    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    // The move really was cut short: its activity ran again on the new worker.
    const history = await lock.fetchHistory();
    const attempts = (history.events ?? []).flatMap((e) =>
      e.activityTaskStartedEventAttributes
        ? [e.activityTaskStartedEventAttributes.attempt ?? 1]
        : [],
    );
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
    expect(result.approval?.promotion).toMatchObject({ promoted: true, replaced: null });
    expect(productionMoves(project)).toHaveLength(1);
    const versionsAfter = h.wandb!.state.artifactVersions(
      TEST_WANDB_ENTITY,
      project,
      'model-metadata',
    );
    expect(versionsAfter.map((v) => v.id)).toEqual(versionsBefore.map((v) => v.id));
    const promoted = versionsAfter.find((v) => v.aliases.includes('production'))!;
    const log = promoted.metadata?.governanceLog as { id: string; kind: string }[];
    expect(log.filter((e) => e.kind === 'promoted')).toHaveLength(1);
    expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
    expect(promoted.metadata?.promotion).toMatchObject({ approvedBy: 'alice', replaced: null });
  }, 240_000);

  it('two promotions of one collection at once are serialised: each records what it really replaced', async () => {
    const project = `race-${randomUUID().slice(0, 8)}`;
    await worker?.kill();
    await h.startWorker();
    const start = (suffix: string) =>
      startFineTunePipeline(
        h.client,
        sampleInput(FAST, { suffix, wandb: { project }, promotion: {} }),
        { taskQueue: h.taskQueue },
      );
    const [a, b] = await Promise.all([start('race-a'), start('race-b')]);
    for (const s of [a, b]) {
      await eventually(
        `${s.workflowId} awaiting approval`,
        async () => (await s.handle.query(progressQuery)).stage === 'awaiting_approval',
        90_000,
      );
    }
    h.wandb!.setFaults({ latencyMs: 150, onlyPaths: /graphql/ });
    await Promise.all([
      a.handle.signal(approvePromotionSignal, { by: 'alice' }),
      b.handle.signal(approvePromotionSignal, { by: 'bob' }),
    ]);
    const [ra, rb] = await Promise.all([a.handle.result(), b.handle.result()]);
    h.wandb!.setFaults(undefined);
    const pa = ra.approval!.promotion!;
    const pb = rb.approval!.promotion!;
    // One went first and replaced nothing; the other replaced exactly the first.
    const [first, second] = pa.replaced === null ? [pa, pb] : [pb, pa];
    expect(first.replaced).toBeNull();
    expect(second.replaced).toBe(first.modelVersion);
    expect(productionMoves(project).map((m) => m.from)).toEqual([
      null,
      Number(first.modelVersion!.split(':v').pop()),
    ]);
  }, 240_000);
});
