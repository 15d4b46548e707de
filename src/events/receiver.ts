import Fastify, { type FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { EventLinks, OutgoingEvent } from '../shared/eventTypes.js';

/**
 * An event as a receiver sees it once verified: `id` is the `webhook-id` (the same on every
 * delivery of one occurrence), `delivery` counts the deliveries of that id seen so far.
 */
export type ReceivedEvent = OutgoingEvent & { links?: EventLinks; delivery: number };

export interface EventReceiverOptions {
  /** The endpoint's signing secret (`whsec_…`). */
  secret: string;
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  path?: string;
  /** Called once per verified delivery (duplicates too, with `delivery` > 1). */
  onEvent?: (event: ReceivedEvent) => void;
  /** Called for each delivery that failed verification. */
  onRejected?: (reason: string) => void;
}

export interface RunningEventReceiver {
  url: string;
  port: number;
  /** Verified deliveries in order, duplicates included. */
  received: ReceivedEvent[];
  rejected: number;
  close(): Promise<void>;
}

/**
 * A small receiver of our events (what `finetune events tail` runs): verifies each delivery with
 * the Standard Webhooks reference library and answers 400 to a bad signature, 204 otherwise.
 * Duplicates are answered 204 too, and flagged: a receiver acts on each id once.
 */
export async function startEventReceiver(
  opts: EventReceiverOptions,
): Promise<RunningEventReceiver> {
  const verifier = new Webhook(opts.secret);
  const seen = new Map<string, number>();
  const received: ReceivedEvent[] = [];
  const state = { rejected: 0 };
  const path = opts.path ?? '/events';
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // The signature covers the exact bytes: keep the body as a string.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.post(path, async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    let payload: Omit<OutgoingEvent, 'id'> & { links?: EventLinks };
    try {
      payload = verifier.verify(body, req.headers as Record<string, string>) as typeof payload;
    } catch (err) {
      state.rejected++;
      opts.onRejected?.((err as Error).message);
      return reply.code(400).send({ error: 'invalid signature' });
    }
    const id = String(req.headers['webhook-id']);
    const delivery = (seen.get(id) ?? 0) + 1;
    seen.set(id, delivery);
    const event = { id, ...payload, delivery } as ReceivedEvent;
    received.push(event);
    opts.onEvent?.(event);
    return reply.code(204).send();
  });
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}${path}`,
    port,
    received,
    get rejected() {
      return state.rejected;
    },
    close: () => app.close(),
  };
}
