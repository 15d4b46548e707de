import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import {
  chatJsonl,
  eventually,
  FAST,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';

// The openai-compatible (Nebius-like) flavour's deployment call, driven with raw HTTP as the
// reference describes it: POST /v0/models from `<job id>:<checkpoint id>`, then validating →
// active (or error), listed, read by name and deleted.
const KEY = 'sk-compatible';
let t: TestEmulator;
let job: OpenAI.FineTuning.FineTuningJob;
let source: string;

type Model = {
  name: string;
  status: string;
  source: string;
  base_model: string;
  status_reason: string | null;
};

const call = (method: string, path: string, body?: unknown, key = KEY) =>
  fetch(`${t.emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const json = async <T>(r: Response): Promise<T> => (await r.json()) as T;
const chat = (model: string) =>
  call('POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'E2?' }] });

beforeAll(async () => {
  t = await startTestEmulator({
    ...FAST,
    flavor: 'openai-compatible',
    apiKey: KEY,
    compatible: {
      customModels: { validatingMs: 150, failActivation: (name) => name === 'wont-load' },
    },
  });
  const training = await uploadJsonl(t.client, chatJsonl(20));
  const created = await t.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini-2025-04-14',
    training_file: training.id,
    suffix: 'nb',
    metadata: { tf_run_id: 'r-1' },
  });
  job = (await runToEnd(t.client, created.id)).job;
  const checkpoints = await t.client.fineTuning.jobs.checkpoints.list(job.id);
  const last = [...checkpoints.data].sort((a, b) => b.step_number - a.step_number)[0]!;
  source = `${job.id}:${last.id}`;
});
afterAll(() => t.close());

describe('openai-compatible flavour: the jobs API without metadata', () => {
  it('drops metadata: not echoed, and the list does not filter on it', async () => {
    expect(job.status).toBe('succeeded');
    expect(job.metadata).toBeNull();
    const other = await t.client.fineTuning.jobs.list({ metadata: { tf_run_id: 'nobody' } });
    expect(other.data.map((j) => j.id)).toContain(job.id);
  });

  it('a fine-tune is not callable by its job model name: only once deployed', async () => {
    expect((await chat(job.fine_tuned_model!)).status).toBe(404);
  });
});

describe('openai-compatible flavour: /v0/models', () => {
  it('creates a model from a checkpoint, validating → active, and it then answers chat', async () => {
    const created = await call('POST', '/v0/models', {
      name: 'support-bot',
      base_model: job.model,
      source,
      description: 'from a checkpoint',
    });
    expect(created.status).toBe(200);
    const model = await json<Model>(created);
    expect(model).toMatchObject({ status: 'validating', source, base_model: job.model });
    expect(model.name).toMatch(/^gpt-4\.1-mini-2025-04-14-LoRa:support-bot-[a-z0-9]{4}$/);
    // Validating: not servable yet.
    expect((await chat(model.name)).status).toBe(404);

    const seen = await eventually('the model to be active', async () => {
      const m = await json<Model>(await call('GET', `/v0/models/${model.name}`));
      return m.status === 'active' ? m : undefined;
    });
    expect(seen.name).toBe(model.name);
    const answer = await chat(model.name);
    expect(answer.status).toBe(200);
    expect((await json<{ model: string }>(answer)).model).toBe(model.name);

    // By its short name too, and in the list.
    expect((await json<Model>(await call('GET', '/v0/models/support-bot'))).name).toBe(model.name);
    const list = await json<Model[]>(await call('GET', '/v0/models'));
    expect(list.map((m) => m.name)).toContain(model.name);
    expect(t.emulator.customModels()).toContainEqual(
      expect.objectContaining({ name: model.name, short: 'support-bot', status: 'active' }),
    );

    // The same name twice is a conflict; deleting ends it.
    expect(
      (await call('POST', '/v0/models', { name: 'support-bot', base_model: job.model, source }))
        .status,
    ).toBe(409);
    const deleted = await call('DELETE', `/v0/models/${model.name}`);
    expect((await json<Model>(deleted)).status).toBe('deleted');
    expect((await call('GET', `/v0/models/${model.name}`)).status).toBe(404);
    expect((await chat(model.name)).status).toBe(404);
  });

  it('a model that fails to load ends in error, with a reason, and never answers', async () => {
    const created = await json<Model>(
      await call('POST', '/v0/models', { name: 'wont-load', base_model: job.model, source }),
    );
    const ended = await eventually('the model to leave validating', async () => {
      const m = await json<Model>(await call('GET', '/v0/models/wont-load'));
      return m.status === 'validating' ? undefined : m;
    });
    expect(ended.status).toBe('error');
    expect(ended.status_reason).toBeTruthy();
    expect((await chat(created.name)).status).toBe(404);
  });

  it('refuses what the reference calls invalid: no name, a source that is no checkpoint, another base, a wrong key', async () => {
    expect((await call('POST', '/v0/models', { base_model: job.model, source })).status).toBe(400);
    const notACheckpoint = await call('POST', '/v0/models', {
      name: 'x',
      base_model: job.model,
      source: `${job.id}:ftckpt_nope`,
    });
    expect(notACheckpoint.status).toBe(400);
    const otherBase = await call('POST', '/v0/models', {
      name: 'y',
      base_model: 'gpt-4o-mini-2024-07-18',
      source,
    });
    expect(otherBase.status).toBe(400);
    expect((await call('GET', '/v0/models', undefined, 'sk-wrong')).status).toBe(401);
  });
});
