import { childLogger } from '../../logging.js';
import { nowSeconds } from './clock.js';
import type { IdFactory } from './ids.js';
import type { WebhookTarget } from './options.js';
import type { Random } from './random.js';
import type { WebhookStats } from './stats.js';
import type { Timers } from './timers.js';
import { signWebhook } from './webhookSignature.js';

const log = childLogger('openai-emulator.webhooks');

export type JobWebhookType =
  'fine_tuning.job.succeeded' | 'fine_tuning.job.failed' | 'fine_tuning.job.cancelled';

const USER_AGENT = 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)';
const ATTEMPT_TIMEOUT_MS = 5_000;

interface Delivery {
  target: WebhookTarget;
  deliveryId: string;
  body: string;
}

/**
 * Delivers the thin job webhooks (`{id, object, type, created_at, data: {id}}`) signed like the
 * real service, retrying non-2xx answers with doubling delays (bounded: short in tests, where
 * the real service keeps going for days). Drops and duplicates can be injected.
 */
export class WebhookSender {
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly deps: {
      /** Where events of a type go now: the `webhook` option and endpoints registered by API. */
      targets: (type: JobWebhookType) => WebhookTarget[];
      ids: IdFactory;
      random: Random;
      timers: Timers;
      stats: WebhookStats;
    },
  ) {}

  notify(type: JobWebhookType, jobId: string): void {
    const targets = this.deps.targets(type);
    if (targets.length === 0) {
      this.deps.stats.untargeted++;
      return;
    }
    const event = {
      id: this.deps.ids.webhookEvent(),
      object: 'event',
      type,
      created_at: nowSeconds(),
      data: { id: jobId },
    };
    const body = JSON.stringify(event);
    for (const target of targets) this.send(target, body, type, jobId);
  }

  private send(target: WebhookTarget, body: string, type: JobWebhookType, jobId: string): void {
    const delivery: Delivery = { target, deliveryId: this.deps.ids.webhookDelivery(), body };
    if (this.deps.random() < (target.dropRate ?? 0)) {
      this.deps.stats.dropped++;
      log.debug({ jobId, type }, 'dropping webhook on purpose');
      return;
    }
    const delay = target.delayMs ?? 0;
    void this.deliver(delivery, delay);
    if (this.deps.random() < (target.duplicateRate ?? 0)) {
      this.deps.stats.duplicated++;
      void this.deliver(delivery, delay + 50);
    }
  }

  /** Tries until a 2xx, the attempts run out, or the emulator closes. */
  private async deliver(d: Delivery, firstDelayMs: number): Promise<void> {
    const maxAttempts = Math.max(1, d.target.maxAttempts ?? 5);
    let wait = firstDelayMs;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if ((wait > 0 && !(await this.deps.timers.sleep(wait))) || this.deps.timers.isClosed) {
        this.deps.stats.abandoned++;
        return;
      }
      if (await this.attempt(d)) {
        this.deps.stats.sent++;
        return;
      }
      this.deps.stats.failedDeliveries++;
      wait = (d.target.retryBaseMs ?? 500) * 2 ** (attempt - 1);
    }
    this.deps.stats.gaveUp++;
    log.warn({ url: d.target.url, deliveryId: d.deliveryId }, 'webhook not delivered; giving up');
  }

  private async attempt(d: Delivery): Promise<boolean> {
    const timestamp = nowSeconds();
    const abort = new AbortController();
    this.inFlight.add(abort);
    const timeout = this.deps.timers.after(ATTEMPT_TIMEOUT_MS, () => abort.abort());
    try {
      const response = await fetch(d.target.url, {
        method: 'POST',
        signal: abort.signal,
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': d.deliveryId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(d.target.secret, d.deliveryId, timestamp, d.body),
        },
        body: d.body,
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status >= 200 && response.status < 300;
    } catch {
      return false;
    } finally {
      this.deps.timers.cancel(timeout);
      this.inFlight.delete(abort);
    }
  }

  close(): void {
    for (const abort of this.inFlight) abort.abort();
  }
}
