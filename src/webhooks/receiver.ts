import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { childLogger } from '../logging.js';
import type { JobEventSignal } from '../shared/types.js';
import { WorkflowNotFoundError } from '@temporalio/client';
import { awaitWorkflowIdFor } from '../workflows/awaitFineTuneJob.js';
import { jobEventSignal } from '../workflows/definitions.js';
import { DeliveryLedger } from './deliveryLedger.js';
import { BackgroundFanOut, signalWaitsInVisibility } from './fanOut.js';

const log = childLogger('webhooks');

export interface WebhookReceiverOptions {
  client: Client;
  /** The endpoint's signing secret (`whsec_…`), from the environment, never from a request. */
  secret: string;
  host?: string;
  port?: number;
  path?: string;
  /** Seconds a signature stays valid (OpenAI's SDK default: 300). */
  toleranceSeconds?: number;
  /** How long deliveries gather before one look-up of their jobs' other waits (default 2 s). */
  fanOutDelayMs?: number;
}

export interface RunningWebhookReceiver {
  url: string;
  close(): Promise<void>;
  /** Resolves once the background look-ups queued so far are done (tests). */
  fanOutSettled(): Promise<void>;
  stats: {
    accepted: number;
    rejected: number;
    duplicates: number;
    signalled: number;
    /** Of those, waits found later through visibility (syncs of the job, older runs). */
    signalledInBackground: number;
    /** Visibility queries those took (one per gathered batch of deliveries). */
    backgroundLookups: number;
    /** Deliveries answered 503 because nobody waited on the job yet (the provider redelivers). */
    deferred: number;
  };
}

/** After this many deliveries that found nobody waiting, accept: the job is not one of ours. */
const MAX_UNCLAIMED_DELIVERIES = 5;

const JOB_ID = /^ftjob-[A-Za-z0-9_-]{1,64}$/;

/**
 * Receives OpenAI webhooks, verifies them with the `openai` client (Standard Webhooks signature,
 * timestamp tolerance), and signals the workflows waiting on that job. A forged, stale or replayed
 * delivery signals nothing. The workflow re-reads the job itself, so even a valid webhook only
 * ever wakes it up early; it never decides the outcome.
 */
export async function startWebhookReceiver(
  opts: WebhookReceiverOptions,
): Promise<RunningWebhookReceiver> {
  const verifier = new OpenAI({ apiKey: 'unused-for-verification', webhookSecret: opts.secret });
  const ledger = new DeliveryLedger(10_000);
  const stats = {
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    signalled: 0,
    signalledInBackground: 0,
    backgroundLookups: 0,
    deferred: 0,
  };
  const fanOut = new BackgroundFanOut(opts.client, {
    delayMs: opts.fanOutDelayMs,
    onLookedUp: (_jobs, n) => {
      stats.backgroundLookups++;
      stats.signalled += n;
      stats.signalledInBackground += n;
    },
  });
  const unclaimed = new Map<string, number>();
  const path = opts.path ?? '/webhooks/openai';
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // Verification needs the exact bytes that were signed: keep the body as a string.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/healthz', () => ({ ok: true }));
  app.post(path, async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    let event;
    try {
      event = await verifier.webhooks.unwrap(body, req.headers, opts.secret, opts.toleranceSeconds);
    } catch (err) {
      stats.rejected++;
      log.warn(
        { reason: (err as Error).message },
        'rejected webhook: signature, timestamp or headers invalid',
      );
      return reply.code(400).send({ error: 'invalid signature' });
    }
    const deliveryId = String(req.headers['webhook-id']);
    if (!ledger.firstTime(deliveryId)) {
      stats.duplicates++;
      return reply.code(200).send({ ok: true, duplicate: true });
    }
    stats.accepted++;
    if (!event.type.startsWith('fine_tuning.job.'))
      return reply.code(200).send({ ok: true, ignored: true });
    const jobId = (event.data as { id?: unknown }).id;
    if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) {
      return reply.code(200).send({ ok: true, ignored: true });
    }
    try {
      const n = await signalWaiters(opts.client, fanOut, { type: event.type, jobId, deliveryId });
      stats.signalled += n;
      const tries = (unclaimed.get(deliveryId) ?? 0) + 1;
      if (n === 0 && tries < MAX_UNCLAIMED_DELIVERIES) {
        // Nobody waits on it yet (visibility may lag a just-created job): let the provider
        // deliver again rather than acknowledge a webhook that woke nobody.
        unclaimed.set(deliveryId, tries);
        if (unclaimed.size > 10_000) unclaimed.delete(unclaimed.keys().next().value!);
        ledger.forget(deliveryId);
        stats.deferred++;
        return reply.code(503).send({ error: 'no workflow waits on this job yet; deliver again' });
      }
      unclaimed.delete(deliveryId);
      return reply.code(200).send({ ok: true, signalled: n });
    } catch (err) {
      // Temporal unreachable: answer 5xx so OpenAI delivers again later; forget we saw it.
      ledger.forget(deliveryId);
      log.error({ err: (err as Error).message, jobId }, 'could not signal workflows');
      return reply.code(503).send({ error: 'temporarily unavailable' });
    }
  });

  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  return {
    url: `${address}${path}`,
    stats,
    fanOutSettled: () => fanOut.settled(),
    close: async () => {
      fanOut.close();
      await app.close();
    },
  };
}

/**
 * Signals the pipeline's wait by its id (named after the job: no lagging visibility in the way).
 * Found: the delivery is answered now, and other waits on the job (syncs, runs from before that
 * naming) are looked up in visibility in the background. Not found: visibility is the fallback,
 * in the delivery's path, so a 0 means nobody waits yet.
 */
async function signalWaiters(
  client: Client,
  fanOut: BackgroundFanOut,
  signal: JobEventSignal,
): Promise<number> {
  const direct = awaitWorkflowIdFor(signal.jobId);
  let n: number;
  try {
    await client.workflow.getHandle(direct).signal(jobEventSignal, signal);
    fanOut.enqueue(signal, direct);
    n = 1;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    n = await signalWaitsInVisibility(client, [signal]);
  }
  log.info({ jobId: signal.jobId, type: signal.type, signalled: n }, 'webhook delivered');
  return n;
}
