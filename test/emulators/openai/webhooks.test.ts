import { randomBytes } from 'node:crypto';
import OpenAI, { InvalidWebhookSignatureError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chatJsonl,
  eventually,
  FAST,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';
import { violations } from './support/shapes.js';
import { plainHeaders, startWebhookSink, type ReceivedWebhook } from './support/webhookReceiver.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const verifier = new OpenAI({ apiKey: 'unused', webhookSecret: secret });

let t: TestEmulator;
let training: string;
let tooSmall: string;
let sinks: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  t = await startTestEmulator(FAST);
  training = (await uploadJsonl(t.client, chatJsonl(12))).id;
  tooSmall = (await uploadJsonl(t.client, chatJsonl(3))).id;
});
afterAll(() => t.close());
afterEach(async () => {
  t.emulator.setWebhook(undefined);
  await Promise.all(sinks.map((s) => s.close()));
  sinks = [];
});

async function sink(answer?: (n: number) => number) {
  const s = await startWebhookSink(answer);
  sinks.push(s);
  return s;
}

const unwrap = (w: ReceivedWebhook, key = secret) =>
  verifier.webhooks.unwrap(w.body, plainHeaders(w.headers), key);
const newJob = (trainingFile = training) =>
  t.client.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: trainingFile });

describe('job webhooks', () => {
  it('signs succeeded, failed and cancelled events so that the openai client verifies them', async () => {
    const s = await sink();
    t.emulator.setWebhook({ url: s.url, secret });
    const ok = await newJob();
    const bad = await newJob(tooSmall);
    const stopped = await newJob();
    await t.client.fineTuning.jobs.cancel(stopped.id);
    await runToEnd(t.client, ok.id);
    await runToEnd(t.client, bad.id);
    await eventually('three deliveries', () => (s.received.length >= 3 ? true : undefined));

    const events = await Promise.all(s.received.map((w) => unwrap(w)));
    const byJob = Object.fromEntries(events.map((e) => [(e.data as { id: string }).id, e.type]));
    expect(byJob).toEqual({
      [ok.id]: 'fine_tuning.job.succeeded',
      [bad.id]: 'fine_tuning.job.failed',
      [stopped.id]: 'fine_tuning.job.cancelled',
    });
    for (const e of events) {
      expect(e).toMatchObject({ object: 'event' });
      expect(e.id).toMatch(/^evt_/);
      const schema = {
        'fine_tuning.job.succeeded': 'WebhookFineTuningJobSucceeded',
        'fine_tuning.job.failed': 'WebhookFineTuningJobFailed',
        'fine_tuning.job.cancelled': 'WebhookFineTuningJobCancelled',
      }[e.type as string]!;
      expect(violations(schema, e)).toEqual([]);
    }
    for (const w of s.received) {
      expect(w.headers['content-type']).toBe('application/json');
      expect(w.headers['user-agent']).toMatch(/^OpenAI\/1\.0/);
      expect(w.headers['webhook-id']).toMatch(/^wh_/);
      expect(w.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    await eventually('three acknowledged deliveries', () =>
      t.emulator.stats().webhooks.sent === 3 ? true : undefined,
    );
    expect(t.emulator.stats().webhooks.failedDeliveries).toBe(0);
  });

  it('is rejected by the client when the body, the secret or the timestamp is wrong', async () => {
    const s = await sink();
    t.emulator.setWebhook({ url: s.url, secret });
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    const [w] = await eventually('a delivery', () => (s.received.length ? s.received : undefined));
    await expect(
      unwrap({ ...w!, body: w!.body.replace('cancelled', 'succeeded') }),
    ).rejects.toBeInstanceOf(InvalidWebhookSignatureError);
    await expect(unwrap(w!, `whsec_${randomBytes(32).toString('base64')}`)).rejects.toBeInstanceOf(
      InvalidWebhookSignatureError,
    );
    const stale = {
      ...w!,
      headers: { ...w!.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) },
    };
    await expect(unwrap(stale)).rejects.toBeInstanceOf(InvalidWebhookSignatureError);
    await expect(unwrap(w!)).resolves.toMatchObject({ type: 'fine_tuning.job.cancelled' });
  });

  it('uses a secret without the whsec_ prefix as plain bytes, like the client', async () => {
    const s = await sink();
    t.emulator.setWebhook({ url: s.url, secret: 'plain-shared-secret' });
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    const [w] = await eventually('a delivery', () => (s.received.length ? s.received : undefined));
    await expect(unwrap(w!, 'plain-shared-secret')).resolves.toMatchObject({
      type: 'fine_tuning.job.cancelled',
    });
  });

  it('retries a failing receiver with growing delays, keeping the webhook-id', async () => {
    const s = await sink((n) => (n <= 2 ? 500 : 204));
    t.emulator.setWebhook({ url: s.url, secret, retryBaseMs: 80 });
    const before = t.emulator.stats().webhooks;
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    await eventually('three attempts', () => (s.received.length >= 3 ? true : undefined));
    const ids = new Set(s.received.map((w) => w.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const [a, b, c] = s.received.map((w) => w.atMs);
    expect(b! - a!).toBeGreaterThanOrEqual(70);
    expect(c! - b!).toBeGreaterThanOrEqual(150); // doubled
    // The sink records a request before the emulator has read the answer.
    const after = await eventually('the acknowledged delivery', () => {
      const w = t.emulator.stats().webhooks;
      return w.sent > before.sent ? w : undefined;
    });
    expect(after.failedDeliveries - before.failedDeliveries).toBe(2);
    expect(after.sent - before.sent).toBe(1);
  });

  it('gives up after maxAttempts', async () => {
    const s = await sink(() => 503);
    t.emulator.setWebhook({ url: s.url, secret, retryBaseMs: 10, maxAttempts: 3 });
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    const gaveUp = t.emulator.stats().webhooks.gaveUp;
    await eventually('the sender to give up', () => t.emulator.stats().webhooks.gaveUp > gaveUp);
    expect(s.received).toHaveLength(3);
  });

  it('drops or duplicates deliveries on request', async () => {
    const s = await sink();
    const before = t.emulator.stats().webhooks;
    t.emulator.setWebhook({ url: s.url, secret, dropRate: 1 });
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    await eventually(
      'the event dropped',
      () => t.emulator.stats().webhooks.dropped > before.dropped,
    );
    expect(s.received).toHaveLength(0);
    expect(t.emulator.stats().webhooks.dropped - before.dropped).toBe(1);

    t.emulator.setWebhook({ url: s.url, secret, duplicateRate: 1 });
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    await eventually('two deliveries', () => (s.received.length >= 2 ? true : undefined));
    expect(s.received[0]!.headers['webhook-id']).toBe(s.received[1]!.headers['webhook-id']);
    expect(s.received[0]!.body).toBe(s.received[1]!.body);
    expect(t.emulator.stats().webhooks.duplicated - before.duplicated).toBe(1);
  });

  it('waits delayMs before delivering, and sends nothing once the webhook is removed', async () => {
    const s = await sink();
    t.emulator.setWebhook({ url: s.url, secret, delayMs: 200 });
    const cancelledAt = Date.now();
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    await eventually('a delivery', () => (s.received.length ? true : undefined));
    expect(s.received[0]!.atMs - cancelledAt).toBeGreaterThanOrEqual(190);

    t.emulator.setWebhook(undefined);
    const untargeted = t.emulator.stats().webhooks.untargeted;
    await t.client.fineTuning.jobs.cancel((await newJob()).id);
    await eventually(
      'the event with nowhere to go',
      () => t.emulator.stats().webhooks.untargeted > untargeted,
    );
    expect(s.received).toHaveLength(1);
  });

  it('stops retrying when the emulator closes', async () => {
    const own = await startTestEmulator(FAST);
    const s = await sink(() => 500);
    own.emulator.setWebhook({ url: s.url, secret, retryBaseMs: 100, maxAttempts: 10 });
    const file = await uploadJsonl(own.client, chatJsonl(10));
    const job = await own.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: file.id,
    });
    await own.client.fineTuning.jobs.cancel(job.id);
    await eventually('a first attempt', () => (s.received.length ? true : undefined));
    await own.close();
    const attempts = s.received.length;
    await eventually('the retry abandoned', () => own.emulator.stats().webhooks.abandoned === 1);
    expect(s.received.length).toBe(attempts);
    expect(own.emulator.stats().webhooks.gaveUp).toBe(0);
  });
});
