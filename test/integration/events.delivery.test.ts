import Fastify, { type FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getPipelineStatus, startFineTunePipeline } from '../../src/client/pipeline.js';
import { parseEventsConfig } from '../../src/events/config.js';
import type { EventType } from '../../src/shared/eventTypes.js';
import { freePort } from '../../src/temporal/freePort.js';
import { decidePromotionUpdate } from '../../src/workflows/definitions.js';
import { eventIdFor } from '../../src/workflows/eventIds.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const SECRET = `whsec_${Buffer.from('integration-events-secret-0123456789').toString('base64')}`;

interface Delivery {
  id: string;
  type: EventType;
  data: { workflowId: string; [k: string]: unknown };
}

/**
 * A receiver as a user would write one: verifies each delivery with the `openai` client's
 * Standard Webhooks verifier, answers 204, or 503 for the first `failFirst` deliveries of a type.
 * `down()` closes its port (connection refused); `up()` opens the same port again.
 */
function receiver(port: number, failFirst: Partial<Record<EventType, number>> = {}) {
  const verifier = new OpenAI({ apiKey: 'unused', webhookSecret: SECRET });
  const deliveries: Delivery[] = [];
  let rejected = 0;
  let app: FastifyInstance | undefined;
  const up = async () => {
    app = Fastify({ logger: false });
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) =>
      done(null, body),
    );
    app.post('/events', async (req, reply) => {
      let event: { type: EventType; data: Delivery['data'] };
      try {
        event = (await verifier.webhooks.unwrap(String(req.body), req.headers)) as unknown as {
          type: EventType;
          data: Delivery['data'];
        };
      } catch {
        rejected++;
        return reply.code(400).send();
      }
      deliveries.push({
        id: String(req.headers['webhook-id']),
        type: event.type,
        data: event.data,
      });
      const left = failFirst[event.type] ?? 0;
      if (left > 0) {
        failFirst[event.type] = left - 1;
        return reply.code(503).send();
      }
      return reply.code(204).send();
    });
    await app.listen({ host: '127.0.0.1', port });
  };
  const down = async () => {
    await app?.close();
    app = undefined;
  };
  return {
    url: `http://127.0.0.1:${port}/events`,
    deliveries,
    rejected: () => rejected,
    up,
    down,
    /** Distinct ids per type among the deliveries so far. */
    idsOf: (type: EventType) => [
      ...new Set(deliveries.filter((d) => d.type === type).map((d) => d.id)),
    ],
  };
}

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
});
