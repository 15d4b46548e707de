import { randomBytes } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatJsonl,
  eventually,
  FAST_AZURE,
  runToEnd,
  startTestEmulator,
  type TestEmulator,
} from './support/harness.js';
import { plainHeaders, startWebhookSink, type ReceivedWebhook } from './support/webhookReceiver.js';

const verifier = new OpenAI({ apiKey: 'unused' });
const unwrap = (w: ReceivedWebhook, secret: string) =>
  verifier.webhooks.unwrap(w.body, plainHeaders(w.headers), secret);

interface Endpoint {
  id: string;
  object: string;
  created_at: number;
  event_types: string[];
  name: string | null;
  signing_secret?: string;
  signing_secret_hint: string;
  url: string;
}

let t: TestEmulator;
let training: string;
let tooSmall: string;
const sinks: { close(): Promise<void> }[] = [];

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.emulator.baseURL}/dashboard/webhook_endpoints${path}`, {
    method,
    headers: {
      'api-key': 'k',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await response.json();
  return { status: response.status, body: json };
}

async function upload(content: string) {
  const file = await t.client.files.create({
    file: await toFile(Buffer.from(content), 'train.jsonl'),
    purpose: 'fine-tune',
  });
  return (await t.client.files.waitForProcessing(file.id, { pollInterval: 20 })).id;
}

const newJob = (file: string) =>
  t.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini',
    training_file: file,
    trainingType: 'Standard',
  } as unknown as OpenAI.FineTuning.JobCreateParams);

beforeAll(async () => {
  t = await startTestEmulator(FAST_AZURE);
  training = await upload(chatJsonl(12));
  tooSmall = await upload(chatJsonl(3));
});
afterAll(async () => {
  await Promise.all(sinks.map((s) => s.close()));
  await t.close();
});

async function sink() {
  const s = await startWebhookSink();
  sinks.push(s);
  return s;
}

describe('…/dashboard/webhook_endpoints', () => {
  it('registers (secret shown once), lists, reads, updates and deletes endpoints', async () => {
    const created = await call('POST', '', {
      name: 'ft-done',
      url: 'https://example.test/hooks',
      event_types: ['fine_tuning.job.succeeded'],
    });
    expect(created.status).toBe(200);
    const e = created.body as Endpoint;
    expect(e).toMatchObject({
      object: 'webhook.endpoint',
      name: 'ft-done',
      url: 'https://example.test/hooks',
      event_types: ['fine_tuning.job.succeeded'],
    });
    expect(e.id).toMatch(/^we_[0-9a-f]{32}$/);
    expect(e.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(e.signing_secret_hint).toBe(`whsec_…${e.signing_secret!.slice(-4)}`);

    const list = (await call('GET', '')).body as { object: string; data: Endpoint[] };
    expect(list.object).toBe('list');
    expect(list.data.map((x) => x.id)).toContain(e.id);
    expect(list.data.every((x) => x.signing_secret === undefined)).toBe(true);
    const one = (await call('GET', `/${e.id}`)).body as Endpoint;
    expect(one.signing_secret).toBeUndefined();

    const updated = (await call('POST', `/${e.id}`, { event_types: ['fine_tuning.job.failed'] }))
      .body as Endpoint;
    expect(updated.event_types).toEqual(['fine_tuning.job.failed']);
    expect(t.emulator.webhookEndpoints().find((x) => x.id === e.id)?.signingSecret).toBe(
      e.signing_secret,
    );

    expect((await call('DELETE', `/${e.id}`)).body).toEqual({
      id: e.id,
      object: 'webhook.endpoint.deleted',
      deleted: true,
    });
    const gone = await call('GET', `/${e.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: '404' } });
  });

  it('refuses endpoints without a url or with unknown event types', async () => {
    const noUrl = await call('POST', '', { event_types: ['fine_tuning.job.failed'] });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body).toMatchObject({ error: { param: 'url' } });
    const badType = await call('POST', '', { url: 'https://x.test', event_types: ['job.done'] });
    expect(badType.status).toBe(400);
    expect(badType.body).toMatchObject({ error: { param: 'event_types' } });
  });

  it("signs deliveries with each endpoint's secret, for its event types only", async () => {
    const onSuccess = await sink();
    const onFailure = await sink();
    const register = async (url: string, type: string) =>
      (await call('POST', '', { url, event_types: [type] })).body as Endpoint;
    const a = await register(onSuccess.url, 'fine_tuning.job.succeeded');
    const b = await register(onFailure.url, 'fine_tuning.job.failed');
    // The `webhook` option keeps working beside them.
    const option = await sink();
    const optionSecret = `whsec_${randomBytes(32).toString('base64')}`;
    t.emulator.setWebhook({ url: option.url, secret: optionSecret });

    const ok = await newJob(training);
    const bad = await newJob(tooSmall);
    await runToEnd(t.client, ok.id);
    await runToEnd(t.client, bad.id);
    await eventually('deliveries', () =>
      onSuccess.received.length >= 1 &&
      onFailure.received.length >= 1 &&
      option.received.length >= 2
        ? true
        : undefined,
    );

    const succeeded = await unwrap(onSuccess.received[0]!, a.signing_secret!);
    expect(succeeded).toMatchObject({ type: 'fine_tuning.job.succeeded', data: { id: ok.id } });
    const failed = await unwrap(onFailure.received[0]!, b.signing_secret!);
    expect(failed).toMatchObject({ type: 'fine_tuning.job.failed', data: { id: bad.id } });
    expect(onSuccess.received).toHaveLength(1);
    expect(onFailure.received).toHaveLength(1);
    await expect(unwrap(onSuccess.received[0]!, b.signing_secret!)).rejects.toThrow();
    const viaOption = await Promise.all(option.received.map((w) => unwrap(w, optionSecret)));
    expect(viaOption.map((e) => e.type).sort()).toEqual([
      'fine_tuning.job.failed',
      'fine_tuning.job.succeeded',
    ]);
    t.emulator.setWebhook(undefined);
  });
});
