import Fastify, { type FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import type { EventType } from '../../../src/shared/eventTypes.js';

/** The signing secret the event tests give their endpoints. */
export const EVENTS_SECRET = `whsec_${Buffer.from('integration-events-secret-0123456789').toString('base64')}`;

export interface Delivery {
  id: string;
  type: EventType;
  data: { workflowId: string; [k: string]: unknown };
}

/**
 * A receiver as a user would write one: verifies each delivery with the `openai` client's
 * Standard Webhooks verifier, answers 204, or 503 for the first `failFirst` deliveries of a type.
 * `down()` closes its port (connection refused); `up()` opens the same port again.
 */
export function receiver(port: number, failFirst: Partial<Record<EventType, number>> = {}) {
  const verifier = new OpenAI({ apiKey: 'unused', webhookSecret: EVENTS_SECRET });
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
