import { APIConnectionError, APIError, InternalServerError, RateLimitError } from 'together-ai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BASE_MODEL,
  call,
  chatJsonl,
  eventually,
  startTestEmulator,
  uploadMultipart,
  v2Client,
  type TestEmulator,
} from './support/harness.js';
import type { TogetherEmulatorOptions } from '../../../src/emulators/together/index.js';

/**
 * The faults every emulator flavour injects, seen through the official client (whose own
 * retries are part of what a provider must know: facts sheet §9) and raw HTTP.
 */
let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function withTrainingFile(options: TogetherEmulatorOptions = {}): Promise<string> {
  t = await startTestEmulator({ timeScale: 2000, steps: 12, ...options });
  const id = ((await uploadMultipart(t, chatJsonl(20))).json as { id: string }).id;
  await eventually('validated', async () =>
    (await t!.client.files.retrieve(id)).processing_status === 'COMPLETED' ? true : undefined,
  );
  return id;
}

const CREATE_JOB = /^\/v1\/fine-tunes$/;

describe('429 with retry-after', () => {
  it('is a RateLimitError carrying retry-after; the SDK waits that long and tries again', async () => {
    const file = await withTrainingFile();
    t!.emulator.setFaults({
      rate429: 1,
      retryAfterSeconds: 0.4,
      maxFaults: 1,
      onlyPaths: CREATE_JOB,
    });
    const err = await t!.client.fineTuning
      .create({ training_file: file, model: BASE_MODEL })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).headers.get('retry-after')).toBe('0.4');
    expect((err as RateLimitError).headers.get('x-ratelimit-remaining')).toBe('0');

    t!.emulator.setFaults({
      rate429: 1,
      retryAfterSeconds: 0.4,
      maxFaults: 1,
      onlyPaths: CREATE_JOB,
    });
    const started = Date.now();
    const job = await t!
      .clientWith({ maxRetries: 2 })
      .fineTuning.create({ training_file: file, model: BASE_MODEL });
    expect(job.id).toMatch(/^ft-/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(t!.emulator.injectedFaults().filter((f) => f.status === 429)).toHaveLength(2);
  });
});

describe('5xx', () => {
  it('500 is not retried by the SDK; a 503 capacity shortfall is, and then succeeds', async () => {
    const file = await withTrainingFile();
    const client = t!.clientWith({ maxRetries: 2 });
    t!.emulator.setFaults({ rate5xx: 1, maxFaults: 1, onlyPaths: CREATE_JOB });
    const err = await client.fineTuning
      .create({ training_file: file, model: BASE_MODEL })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(500);
    expect(t!.emulator.stats().jobsCreated).toBe(0);

    t!.emulator.setFaults({ rate503: 1, maxFaults: 1, onlyPaths: /^\/v1\/chat\/completions$/ });
    const answer = await client.chat.completions.create({
      model: 'Qwen/Qwen3-8B',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices).toHaveLength(1);
    expect(t!.emulator.injectedFaults().map((f) => f.status)).toEqual([500, 503]);
    t!.emulator.setFaults({ rate503: 1, maxFaults: 1 });
    const raw = await call(t!, 'GET', '/v1/models');
    expect(raw.status).toBe(503);
    expect((raw.json as { error: { type: string } }).error.type).toBe('service_unavailable');
  });

  it('a dropped connection is an APIConnectionError, which the SDK retries', async () => {
    await withTrainingFile();
    t!.emulator.setFaults({ rateReset: 1, maxFaults: 1, onlyPaths: /^\/v1\/models$/ });
    expect(await t!.client.models.list().catch((e: unknown) => e)).toBeInstanceOf(
      APIConnectionError,
    );
    t!.emulator.setFaults({ rateReset: 1, maxFaults: 1, onlyPaths: /^\/v1\/models$/ });
    expect((await t!.clientWith({ maxRetries: 1 }).models.list()).length).toBeGreaterThan(0);
  });
});

describe('an answer lost after the server acted', () => {
  it('create job: the job exists though the client saw no answer; the SDK’s own retry makes a second one', async () => {
    const file = await withTrainingFile();
    t!.emulator.setFaults({
      rateLoseAnswer: 1,
      maxFaults: 1,
      onlyPaths: CREATE_JOB,
      onlyMethods: ['POST'],
    });
    const err = await t!.client.fineTuning
      .create({ training_file: file, model: BASE_MODEL, suffix: 'tf-lost1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    const list = (await t!.client.fineTuning.list()).data;
    expect(list.filter((j) => j.suffix === 'tf-lost1')).toHaveLength(1);

    // Why creates need maxRetries: 0 and a reconcile by suffix (facts sheet §6).
    t!.emulator.setFaults({
      rateLoseAnswer: 1,
      maxFaults: 1,
      onlyPaths: CREATE_JOB,
      onlyMethods: ['POST'],
    });
    await t!
      .clientWith({ maxRetries: 2 })
      .fineTuning.create({ training_file: file, model: BASE_MODEL, suffix: 'tf-lost2' });
    const again = (await t!.client.fineTuning.list()).data.filter((j) => j.suffix === 'tf-lost2');
    expect(again).toHaveLength(2);
  });

  it('create endpoint (v2): it exists; a retried create is a 409 on the name', async () => {
    await withTrainingFile();
    const who = await t!.client.whoami();
    const v2 = v2Client(t!, { projectID: who.project_id });
    t!.emulator.setFaults({
      rateLoseAnswer: 1,
      maxFaults: 1,
      onlyPaths: /\/endpoints$/,
      onlyMethods: ['POST'],
    });
    expect(
      await v2.beta.endpoints.create({ name: 'lost-bot' }).catch((e: unknown) => e),
    ).toBeInstanceOf(APIConnectionError);
    const found = [];
    for await (const e of v2.beta.endpoints.list({ filter: 'name="lost-bot"' })) found.push(e);
    expect(found).toHaveLength(1);
    const retried = await v2.beta.endpoints.create({ name: 'lost-bot' }).catch((e: unknown) => e);
    expect((retried as APIError).status).toBe(409);
  });
});

describe('a failed job', () => {
  it('ends in error, says why in a job_error event, and is billed for the steps it trained', async () => {
    const file = await withTrainingFile({ failTraining: (job) => job.suffix === 'doomed' });
    const job = await t!.client.fineTuning.create({
      training_file: file,
      model: BASE_MODEL,
      suffix: 'doomed',
    });
    const failed = await eventually('error', async () => {
      const j = await t!.client.fineTuning.retrieve(job.id);
      return j.status === 'error' ? j : undefined;
    });
    const events = (await t!.client.fineTuning.listEvents(job.id)).data;
    const error = events.find((e) => e.type === 'job_error');
    expect(error).toMatchObject({ level: 'error', step: 6 });
    expect(error?.message).toMatch(/batch_size/);
    expect(events.map((e) => e.type)).not.toContain('job_complete');
    expect(failed.total_price).toBeGreaterThan(0);
    expect(t!.emulator.job(job.id)?.stepsDone).toBe(6);
  });
});

describe('an endpoint that takes minutes to start, or fails to', () => {
  it('provisions for the minutes it is told (compressed by the clock), then is ready; or FAILED', async () => {
    // Twelve minutes at 1500×: 480 ms here.
    await withTrainingFile({
      timeScale: 1500,
      durations: { endpointStartMs: 12 * 60_000 },
      serving: { failStart: ({ hardware }) => hardware.startsWith('1x_nvidia_a100') },
    });
    const job = await trainedFineTune(t!);
    const who = await t!.client.whoami();
    const v2 = v2Client(t!, { projectID: who.project_id });
    const modelRef = `projects/${who.project_id}/models/${job}`;
    const configs: { id: string; selectors: { value: string }[] }[] = [];
    for await (const c of v2.beta.models.configs.list({ referenceModel: modelRef }))
      configs.push(c);
    const config = (hw: string) =>
      `projects/${who.project_id}/configs/${configs.find((c) => c.selectors.some((s) => s.value === hw))!.id}`;
    const ep = await v2.beta.endpoints.create({ name: 'slow-bot' });
    const started = Date.now();
    const dep = await v2.beta.endpoints.deployments.create(ep.id, {
      name: 'h100',
      model: modelRef,
      config: config('1x_nvidia_h100_80gb_sxm'),
      autoscaling: { minReplicas: 1 },
    });
    const failing = await v2.beta.endpoints.deployments.create(ep.id, {
      name: 'a100',
      model: modelRef,
      config: config('1x_nvidia_a100_80gb_sxm'),
      autoscaling: { minReplicas: 1 },
    });
    const state = async (id: string) =>
      (await v2.beta.endpoints.deployments.retrieve(id, { endpointId: ep.id })).status.state;
    await new Promise((r) => setTimeout(r, 150));
    expect(await state(dep.id)).toBe('DEPLOYMENT_STATE_PROVISIONING');
    await eventually('READY', async () =>
      (await state(dep.id)) === 'DEPLOYMENT_STATE_READY' ? true : undefined,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(470);
    await eventually('FAILED', async () =>
      (await state(failing.id)) === 'DEPLOYMENT_STATE_FAILED' ? true : undefined,
    );
  });
});

/** Trains a job on the uploaded file and returns its registry model id (`ml_…`). */
async function trainedFineTune(t: TestEmulator): Promise<string> {
  const file = (await t.client.files.list()).data[0]!.id;
  const job = await t.client.fineTuning.create({ training_file: file, model: BASE_MODEL });
  const done = await eventually('completed', async () => {
    const j = await t.client.fineTuning.retrieve(job.id);
    return j.status === 'completed' ? j : undefined;
  });
  return done.model_object_id!;
}

describe('402 spending limit', () => {
  it('refuses billable calls with a plain APIError 402 (no subclass, not retried); estimates say not allowed', async () => {
    const file = await withTrainingFile();
    t!.emulator.setSpendingLimitReached(true);
    const err = await t!
      .clientWith({ maxRetries: 2 })
      .fineTuning.create({ training_file: file, model: BASE_MODEL })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(402);
    expect((err as APIError).constructor).toBe(APIError);
    expect(t!.emulator.stats().requests['POST /v1/fine-tunes']).toBe(1);
    const estimate = await t!.client.fineTuning.estimatePrice({
      training_file: file,
      model: BASE_MODEL,
    });
    expect(estimate.estimation_available && estimate.allowed_to_proceed).toBe(false);
    const chat = await t!.client.chat.completions
      .create({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect((chat as APIError).status).toBe(402);
    t!.emulator.setSpendingLimitReached(false);
    expect(
      (await t!.client.fineTuning.create({ training_file: file, model: BASE_MODEL })).status,
    ).toBe('pending');
  });
});
