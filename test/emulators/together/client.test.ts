import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, PermissionDeniedError } from 'together-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadTogetherFile } from '../../../src/providers/together/upload.js';
import {
  API_KEY,
  BASE_MODEL,
  chatJsonl,
  eventually,
  startTestEmulator,
  v2Client,
  type TestEmulator,
} from './support/harness.js';

/**
 * The official `together-ai` client (0.52), unchanged but for `baseURL` and `apiKey`, through
 * the same flow as the raw conformance test; every answer it gets is checked against the
 * shapes when the emulator closes. Files go through our own upload (the SDK's `files.upload`
 * ignores `baseURL`).
 */
describe('the official together-ai client against the emulator', () => {
  let t: TestEmulator;
  let dir: string;
  beforeAll(async () => {
    t = await startTestEmulator({ timeScale: 2000, steps: 12 });
    dir = await mkdtemp(join(tmpdir(), 'together-client-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  let fileId = '';
  let jobId = '';

  it('uploads by the presigned flow (ours), then reads, lists and downloads with the SDK', async () => {
    const path = join(dir, 'train.jsonl');
    await writeFile(path, chatJsonl(20));
    const uploaded = await uploadTogetherFile(
      { baseURL: t.emulator.baseURL, apiKey: API_KEY, fetch: t.recorder.fetch },
      { path },
    );
    fileId = uploaded.file.id;
    const file = await eventually('validated', async () => {
      const f = await t.client.files.retrieve(fileId);
      return f.processing_status === 'COMPLETED' ? f : undefined;
    });
    expect(file).toMatchObject({
      filename: 'train.jsonl',
      FileType: 'jsonl',
      purpose: 'fine-tune',
    });
    expect(file.validation_report).toMatchObject({ valid: true, nlines: 20 });
    expect((await t.client.files.list()).data.map((f) => f.id)).toContain(fileId);
    expect(await (await t.client.files.content(fileId)).text()).toBe(chatJsonl(20));
  });

  it('reads models, limits and supported models; an unknown model’s limits are a NotFoundError carrying {message}', async () => {
    const models = await t.client.models.list();
    expect(models.map((m) => m.id)).toContain(BASE_MODEL);
    const limits = await t.client.fineTuning.modelLimits({ model_name: BASE_MODEL });
    expect(limits.lora_training.max_rank).toBe(64);
    // No SDK method for it (facts sheet §4.3): a plain GET through the client.
    const supported = await t.client.get<{ models: string[] }>('/fine-tunes/models/supported');
    expect(supported.models).toContain(BASE_MODEL);
    const err = await t.client.fineTuning
      .modelLimits({ model_name: 'acme/unknown' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).error).toEqual({
      message: expect.stringContaining('acme/unknown') as unknown,
    });
  });

  it('estimates a price (the SDK’s union on estimation_available)', async () => {
    const estimate = await t.client.fineTuning.estimatePrice({
      training_file: fileId,
      model: BASE_MODEL,
      n_epochs: 2,
    });
    if (!estimate.estimation_available) throw new Error('expected an estimate');
    expect(estimate.allowed_to_proceed).toBe(true);
    expect(estimate.estimated_total_price).toBeGreaterThan(0);
  });

  it('creates, lists, retrieves a job and reads its events, metrics (query filters) and checkpoints', async () => {
    const created = await t.client.fineTuning.create({
      training_file: fileId,
      model: BASE_MODEL,
      suffix: 'tf-sdk',
      n_epochs: 2,
      n_checkpoints: 2,
      training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
      training_method: { method: 'sft', train_on_inputs: 'auto' },
      lr_scheduler: {
        lr_scheduler_type: 'cosine',
        lr_scheduler_args: { min_lr_ratio: 0.1, num_cycles: 0.5 },
      },
      warmup_ratio: 0.25,
    });
    jobId = created.id;
    expect(created.status).toBe('pending');
    const done = await eventually('completed', async () => {
      const j = await t.client.fineTuning.retrieve(jobId);
      return j.status === 'completed' ? j : undefined;
    });
    expect(done.model_output_name).toContain('tf-sdk');
    const listed = (await t.client.fineTuning.list()).data.find((j) => j.id === jobId);
    expect(listed?.suffix).toBe('tf-sdk');
    const events = await t.client.fineTuning.listEvents(jobId);
    expect(events.data.at(-1)?.type).toBe('job_complete');
    const metrics = await t.client.fineTuning.listMetrics(jobId, { global_step_from: 10 });
    expect(metrics.metrics?.map((m) => m['train/global_step'])).toEqual([10, 11, 12]);
    const all = (await t.client.fineTuning.listMetrics(jobId)).metrics!;
    // Warm-up over a quarter of the steps, then cosine down to a tenth of the peak.
    const lr = all.map((m) => m['train/learning_rate']!);
    expect(lr[0]).toBeLessThan(lr[2]!);
    expect(lr[2]).toBeCloseTo(1e-5, 12);
    expect(lr[11]).toBeCloseTo(1e-6, 12);
    const checkpoints = await t.client.fineTuning.listCheckpoints(jobId);
    expect(checkpoints.data.map((c) => c.step)).toEqual([6, 12, 12]);
  });

  it('cancels a job (cancel_requested) and deletes a finished one', async () => {
    const job = await t.client.fineTuning.create({ training_file: fileId, model: BASE_MODEL });
    const cancelled = await t.client.fineTuning.cancel(job.id);
    expect(cancelled.status).toBe('cancel_requested');
    await eventually('cancelled', async () =>
      (await t.client.fineTuning.retrieve(job.id)).status === 'cancelled' ? true : undefined,
    );
    const deleted = await t.client.fineTuning.delete(job.id);
    expect(deleted.message).toContain(job.id);
  });

  it('is refused v1 endpoint creation (403, the code in err.error.error.code); lists v1 endpoints and hardware', async () => {
    const err = await t.client.endpoints
      .create({
        model: BASE_MODEL,
        hardware: '1x_nvidia_h100_80gb_sxm',
        autoscaling: { min_replicas: 1, max_replicas: 1 },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    // `error` is the whole parsed body (facts sheet §9).
    expect((err as PermissionDeniedError).error).toMatchObject({
      error: { code: 'endpoints_v1_create_access_disabled' },
    });
    expect((await t.client.endpoints.list({ type: 'serverless' })).data.length).toBeGreaterThan(0);
    const job = await t.client.fineTuning.retrieve(jobId);
    const hardware = await t.client.endpoints.listHardware({ model: job.model_output_name! });
    expect(hardware.data.map((h) => h.id)).toContain('1x_nvidia_h100_80gb_sxm');
  });

  it('deploys through beta (v2): whoami, instance types, configs, endpoint, deployment, traffic split, chat, stop, teardown', async () => {
    const who = await t.client.whoami();
    const v2 = v2Client(t, { projectID: who.project_id });
    const types = await v2.beta.endpoints.hardware.list();
    expect(types.data.find((h) => h.id === '1x_nvidia_h100_80gb_sxm')?.priceCentsPerHour).toBe(399);
    const job = await t.client.fineTuning.retrieve(jobId);
    const modelRef = `projects/${who.project_id}/models/${job.model_object_id!}`;
    const configs = [];
    for await (const c of v2.beta.models.configs.list({ referenceModel: modelRef }))
      configs.push(c);
    const config = configs.find((c) =>
      c.selectors.some((s) => s.value === '1x_nvidia_h100_80gb_sxm'),
    )!;

    const ep = await v2.beta.endpoints.create({ name: 'sdk-bot' });
    expect(ep.name).toBe(`${who.project_slug}/sdk-bot`);
    const dep = await v2.beta.endpoints.deployments.create(ep.id, {
      name: 'blue',
      model: modelRef,
      config: `projects/${who.project_id}/configs/${config.id}`,
      autoscaling: { minReplicas: 1, maxReplicas: 1 },
    });
    await eventually('READY', async () => {
      const d = await v2.beta.endpoints.deployments.retrieve(dep.id, { endpointId: ep.id });
      return d.status.state === 'DEPLOYMENT_STATE_READY' ? d : undefined;
    });
    const current = await v2.beta.endpoints.retrieve(ep.id);
    await v2.beta.endpoints.update(ep.id, {
      etag: current.etag,
      trafficSplit: [{ deploymentId: dep.id, weight: 1 }],
    });
    const listed = [];
    for await (const e of v2.beta.endpoints.list()) listed.push(e);
    expect(listed.map((e) => e.id)).toContain(ep.id);

    const answer = await t.client.chat.completions.create({
      model: ep.name,
      messages: [{ role: 'user', content: 'What is 4 + 4?' }],
    });
    expect(answer.choices[0]?.message?.content).toEqual(expect.any(String));
    expect(answer.usage?.total_tokens).toBeGreaterThan(0);

    await v2.beta.endpoints.deployments.update(dep.id, {
      endpointId: ep.id,
      autoscaling: { minReplicas: 0, maxReplicas: 0 },
    });
    await eventually('STOPPED', async () => {
      const d = await v2.beta.endpoints.deployments.retrieve(dep.id, { endpointId: ep.id });
      return d.status.state === 'DEPLOYMENT_STATE_STOPPED' ? d : undefined;
    });
    await v2.beta.endpoints.update(ep.id, { trafficSplit: [] });
    await v2.beta.endpoints.deployments.delete(dep.id, { endpointId: ep.id });
    await v2.beta.endpoints.delete(ep.id);
    expect(t.emulator.servingCharges().find((c) => c.id === dep.id)?.running).toBe(false);
  });

  it('chats with a serverless base model', async () => {
    const answer = await t.client.chat.completions.create({
      model: 'Qwen/Qwen3-8B',
      messages: [{ role: 'user', content: 'Say hello.' }],
      max_tokens: 3,
    });
    expect(answer.model).toBe('Qwen/Qwen3-8B');
    expect(['stop', 'length']).toContain(answer.choices[0]?.finish_reason);
  });

  it('deletes the file', async () => {
    expect(await t.client.files.delete(fileId)).toEqual({ id: fileId, deleted: true });
  });
});
