import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getPipelineStatus, startFineTunePipeline } from '../../src/client/pipeline.js';
import { rollback } from '../../src/client/promotion.js';
import type { PromotionConfig } from '../../src/shared/promotionTypes.js';
import { parseEventsConfig } from '../../src/events/config.js';
import { freePort } from '../../src/temporal/freePort.js';
import { decidePromotionUpdate } from '../../src/workflows/definitions.js';
import type { deliverEvent } from '../../src/workflows/deliverEvent.js';
import { eventIdFor } from '../../src/workflows/eventIds.js';
import { EVENTS_SECRET, receiver } from './support/eventReceiver.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const SECRET = EVENTS_SECRET;

describe('signed events on the dev server', () => {
  let h: Harness | undefined;
  const receivers: { down(): Promise<void> }[] = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    for (const r of receivers.splice(0)) await r.down();
  });
  afterAll(async () => h?.close());

  it('emits each event once per occurrence across a worker kill; a redelivery keeps the id', async () => {
    const r = receiver(await freePort(), { 'promotion.completed': 1 });
    receivers.push(r);
    await r.up();
    const events = parseEventsConfig(
      { endpoints: [{ name: 'ops', url: r.url, secret: SECRET }] },
      'test',
    );
    h = await startHarness({}, {}, { events });
    await h.startWorker();
    const { handle, workflowId } = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        suffix: 'events',
        wandb: { project: 'events-it' },
        promotion: { gates: { drift: 'off', eval: 'off' } },
      }),
      { taskQueue: h.taskQueue },
    );
    await eventually(
      'approval.requested at the receiver',
      () => r.idsOf('approval.requested').length === 1,
      90_000,
    );
    // The worker dies while the pipeline waits for a person; a new one replays it from history.
    await h.stopWorker();
    await h.startWorker();
    await handle.executeUpdate(decidePromotionUpdate, {
      args: [{ decision: 'approve', by: 'alice' }],
    });
    const result = await handle.result();
    expect(result.stage).toBe('promoted');
    await eventually(
      'promotion.completed delivered after its 503',
      () => r.deliveries.filter((d) => d.type === 'promotion.completed').length === 2,
    );
    const runId = (await handle.describe()).runId;
    for (const type of ['approval.requested', 'approval.decided', 'promotion.completed'] as const) {
      expect(r.idsOf(type), type).toEqual([eventIdFor(workflowId, runId, type)]);
    }
    // One occurrence each; the one answered 503 came again under the same id.
    expect(r.deliveries.filter((d) => d.type === 'approval.requested')).toHaveLength(1);
    expect(r.deliveries.filter((d) => d.type === 'approval.decided')).toHaveLength(1);
    expect(r.rejected()).toBe(0);
    const promoted = r.deliveries.find((d) => d.type === 'promotion.completed')!.data;
    expect(promoted).toMatchObject({
      workflowId,
      alias: 'production',
      promoted: true,
      approvedBy: 'alice',
    });
    expect(JSON.stringify(r.deliveries)).not.toContain('whsec_');
    const status = await getPipelineStatus(h.client, workflowId);
    expect(status.events?.map((e) => [e.type, e.deliveries.map((d) => d.state)])).toEqual([
      ['approval.requested', ['delivered']],
      ['approval.decided', ['delivered']],
      ['promotion.completed', ['delivered']],
    ]);
  });

  it('a receiver down then up gets the event; one down for good is recorded dead and holds nothing', async () => {
    const flaky = receiver(await freePort());
    receivers.push(flaky);
    const gonePort = await freePort();
    const events = parseEventsConfig(
      {
        endpoints: [
          { name: 'flaky', url: flaky.url, secret: SECRET },
          {
            name: 'gone',
            url: `http://127.0.0.1:${gonePort}/events`,
            secret: SECRET,
            giveUpAfterSeconds: 5,
          },
        ],
      },
      'test',
    );
    h = await startHarness({ failTraining: (job) => job.suffix === 'fail-me' }, false, { events });
    await h.startWorker();
    const { handle, workflowId } = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix: 'fail-me' }),
      { taskQueue: h.taskQueue },
    );
    // Both receivers are down: the pipeline still ends at once, its event owed.
    await expect(handle.result()).rejects.toThrow();
    const runId = (await handle.describe()).runId;
    const id = eventIdFor(workflowId, runId, 'pipeline.failed');
    const delivery = await h.client.workflow.getHandle(id).describe();
    expect(delivery.status.name).toBe('RUNNING');
    expect(flaky.deliveries).toHaveLength(0);

    await flaky.up();
    await eventually(
      'pipeline.failed at the receiver once it is up',
      () => flaky.idsOf('pipeline.failed').length === 1,
      60_000,
    );
    expect(flaky.idsOf('pipeline.failed')).toEqual([id]);
    expect(flaky.deliveries[0]!.data).toMatchObject({
      workflowId,
      stage: 'training',
      errorType: 'FineTuneJobFailed',
    });

    const status = await eventually(
      'the dead endpoint in status',
      async () => {
        const s = await getPipelineStatus(h!.client, workflowId);
        const states = s.events?.[0]?.deliveries.map((d) => `${d.endpoint}:${d.state}`);
        return states?.join(',') === 'flaky:delivered,gone:dead' ? s : undefined;
      },
      60_000,
      500,
    );
    const gone = status.events![0]!.deliveries.find((d) => d.endpoint === 'gone')!;
    expect(gone.error).toMatch(
      /endpoint "gone" \(http:\/\/127\.0\.0\.1:\d+\) did not answer \(ECONNREFUSED\)/,
    );
  });

  it('a blocking gate sends gate.blocked once, and a rollback rollback.completed once, each signed', async () => {
    const r = receiver(await freePort());
    receivers.push(r);
    await r.up();
    const events = parseEventsConfig(
      { endpoints: [{ name: 'ops', url: r.url, secret: SECRET }] },
      'test',
    );
    h = await startHarness({}, {}, { events });
    await h.startWorker();
    const project = `events-gates-${Date.now()}`;
    const run = (suffix: string, promotion: Partial<PromotionConfig>) =>
      startFineTunePipeline(
        h!.client,
        sampleInput(FAST, {
          suffix,
          wandb: { project },
          promotion: {
            autoApprove: { by: 'ci' },
            gates: { drift: 'off', eval: 'off' },
            ...promotion,
          },
        }),
        { taskQueue: h!.taskQueue },
      );
    // A regex no answer matches scores every example 0: the eval gate surely blocks.
    const [first, blocked] = await Promise.all([
      run('first', {}),
      run('blocked', {
        gates: {
          drift: 'off',
          eval: 'block',
          evalOptions: { primary: 'regex', regex: 'a^', minScore: 0.5 },
        },
      }),
    ]);
    const firstResult = await first.handle.result();
    expect(firstResult.stage).toBe('promoted');
    expect((await blocked.handle.result()).stage).toBe('rejected');
    const second = await run('second', {});
    expect((await second.handle.result()).stage).toBe('promoted');

    const blockedId = eventIdFor(
      blocked.workflowId,
      (await blocked.handle.describe()).runId,
      'gate.blocked',
    );
    // The delivery workflow has ended delivered: no other delivery of this event can come.
    const blockedDelivery = await h.client.workflow
      .getHandle<typeof deliverEvent>(blockedId)
      .result();
    expect(blockedDelivery.deliveries).toMatchObject([{ endpoint: 'ops', state: 'delivered' }]);
    const gate = r.deliveries.filter((d) => d.type === 'gate.blocked');
    expect(gate.map((d) => d.id)).toEqual([blockedId]);
    expect(gate[0]!.data).toMatchObject({ workflowId: blocked.workflowId, alias: 'production' });
    expect(gate[0]!.data.blockedBy).toEqual([expect.stringMatching(/^eval/)]);

    const back = await rollback(
      h.client,
      {
        project,
        collection: 'model-metadata',
        alias: 'production',
        by: 'ops',
        reason: 'bad answers',
      },
      { taskQueue: h.taskQueue, workflowId: `events-rollback-${project}` },
    );
    const rollbackHandle = h.client.workflow.getHandle(`events-rollback-${project}`);
    const rollbackId = eventIdFor(
      rollbackHandle.workflowId,
      (await rollbackHandle.describe()).runId,
      'rollback.completed',
    );
    const rollbackDelivery = await eventually(
      'the rollback event delivered',
      () =>
        h!.client.workflow
          .getHandle<typeof deliverEvent>(rollbackId)
          .result()
          .catch(() => undefined),
      30_000,
      200,
    );
    expect(rollbackDelivery.deliveries).toMatchObject([{ endpoint: 'ops', state: 'delivered' }]);
    const rolled = r.deliveries.filter((d) => d.type === 'rollback.completed');
    expect(rolled.map((d) => d.id)).toEqual([rollbackId]);
    expect(rolled[0]!.data).toMatchObject({
      alias: 'production',
      modelVersion: back.model.ref,
      replaced: back.model.replaced,
      by: 'ops',
      reason: 'bad answers',
    });
    expect(back.model.ref).toBe(firstResult.approval!.promotion!.modelVersion);
    // Every delivery passed the openai client's verifier.
    expect(r.rejected()).toBe(0);
  });
});
