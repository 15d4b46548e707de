import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  extractTogetherShapes,
  INLINE_RESPONSES,
  TOGETHER_ROOT_SCHEMAS,
} from '../../../tools/extract-together-shapes.js';
import {
  API_KEY,
  call,
  chatJsonl,
  eventually,
  preferenceJsonl,
  startTestEmulator,
  uploadMultipart,
  type TestEmulator,
} from './support/harness.js';
import { uncoveredRoutes, violations } from './support/shapes.js';

const BASE = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';

/** A truncated job as the description shapes it; broken one way at a time below. */
const truncated = {
  id: 'ft-01234567-1234-4123-8123-0123456789ab',
  status: 'pending',
  created_at: '2026-12-07T10:00:00.000Z',
  updated_at: '2026-12-07T10:00:00.000Z',
  training_method: { method: 'sft', train_on_inputs: 'auto' },
  training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
  lr_scheduler: {
    lr_scheduler_type: 'cosine',
    lr_scheduler_args: { min_lr_ratio: 0, num_cycles: 0.5 },
  },
  suffix: 'tf-abc',
};

/** A copy without one key. */
function without<T extends object>(o: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...o };
  delete copy[key];
  return copy;
}

describe('the Together shape check itself', () => {
  it('accepts the description’s shapes with the documented allowances', () => {
    expect(violations('FinetuneResponseTruncated', truncated)).toEqual([]);
    expect(
      violations('FinetuneResponse', { ...without(truncated, 'suffix'), user_id: 'user_1' }),
    ).toEqual([]);
  });

  it('rejects what neither the description nor the SDK allows', () => {
    const job = 'FinetuneResponseTruncated';
    expect(violations(job, { ...truncated, status: 'succeeded' })).not.toEqual([]);
    expect(violations(job, { ...truncated, metadata: {} })).not.toEqual([]);
    expect(violations(job, { ...truncated, created_at: undefined })).not.toEqual([]);
    expect(
      violations(job, {
        ...truncated,
        training_method: { method: 'sft', train_on_inputs: 'sometimes' },
      }),
    ).not.toEqual([]);
    // The full job has no suffix (spec and SDK): read it from the list.
    expect(violations('FinetuneResponse', truncated)).not.toEqual([]);
    const event = {
      object: 'fine-tune-event',
      created_at: 'x',
      message: 'm',
      type: 'job_start',
      param_count: 1,
      token_count: 1,
      total_steps: 1,
      wandb_url: '',
      step: 0,
      checkpoint_path: '',
      model_path: '',
      training_offset: 0,
    };
    expect(violations('FineTuneEvent', { ...event, hash: 'h' })).toEqual([]);
    expect(violations('FineTuneEvent', event)).not.toEqual([]); // hash is required
    expect(violations('FineTuneEvent', { ...event, hash: 'h', type: 'job_exploded' })).not.toEqual(
      [],
    );
    const file = {
      id: 'file-1',
      object: 'file',
      created_at: 1,
      filename: 'a.jsonl',
      bytes: 1,
      purpose: 'fine-tune',
      FileType: 'jsonl',
      Processed: true,
    };
    expect(violations('FileResponse', file)).toEqual([]);
    expect(violations('FileResponse', { ...file, created_at: '2026-12-07T10:00:00Z' })).not.toEqual(
      [],
    );
    expect(
      violations('FileResponse', { ...without(file, 'FileType'), filetype: 'jsonl' }),
    ).not.toEqual([]);
    expect(
      violations('ErrorData', { error: { message: 'm', type: 't', param: null, code: null } }),
    ).toEqual([]);
    expect(violations('ErrorData', { message: 'm' })).not.toEqual([]);
  });

  it('is what the extract tool makes of the description (the fixture is not edited by hand)', () => {
    // Regenerating from a tiny description proves the tool lifts inline answers and follows $refs.
    const component = {
      type: 'object',
      description: 'prose',
      properties: { a: { $ref: '#/components/schemas/Leaf' } },
    };
    const schemas: Record<string, unknown> = {
      Leaf: { type: 'string', nullable: true, example: 'x' },
    };
    for (const name of TOGETHER_ROOT_SCHEMAS) schemas[name] = component;
    const paths: Record<string, unknown> = {};
    for (const r of INLINE_RESPONSES) {
      const schema = { type: 'object', properties: { n: { type: 'number' } } };
      paths[r.path] = {
        [r.method]: { responses: { [r.status]: { content: { 'application/json': { schema } } } } },
      };
    }
    const spec = { info: { version: '9' }, components: { schemas }, paths };
    const doc = extractTogetherShapes(JSON.stringify(spec), 'test') as {
      $defs: Record<string, unknown>;
    };
    expect(doc.$defs.Leaf).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
    expect(doc.$defs.MetricsResponse).toEqual({
      type: 'object',
      properties: { n: { type: 'number' } },
    });
    expect(JSON.stringify(doc.$defs)).not.toContain('prose');
  });
});

/** A GET with a JSON body, as the description has the metrics filters (fetch refuses to send one). */
function getWithBody(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      url,
      {
        method: 'GET',
        headers: {
          authorization: `Bearer ${API_KEY}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
        },
      },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString('utf8')));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(data) as unknown }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

type Json = Record<string, unknown>;

describe('raw HTTP through a whole flow, every answer checked against the description', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    // Slower than FAST so that polling sees every job status (each lasts 240 ms or more).
    t = await startTestEmulator({ timeScale: 250, steps: 12 });
  });
  afterAll(() => t.close());

  const file = async (id: string) => (await call(t, 'GET', `/v1/files/${id}`)).json as Json;
  const ready = (id: string) =>
    eventually(`${id} validated`, async () =>
      (await file(id)).processing_status !== 'PENDING' ? file(id) : undefined,
    );

  let trainingId = '';
  let validationId = '';

  it('refuses a request without the bearer key, in the ErrorData envelope', async () => {
    const res = await call(t, 'GET', '/v1/files', { headers: { authorization: '' } });
    expect(res.status).toBe(401);
    expect((res.json as { error: Json }).error.code).toBe('invalid_api_key');
  });

  it('lists models (a bare array), fine-tunable ones and their limits; an unknown model’s limits are 404 {message}', async () => {
    const models = (await call(t, 'GET', '/v1/models')).json as Json[];
    expect(Array.isArray(models)).toBe(true);
    expect(models.map((m) => m.id)).toContain(BASE);
    const supported = (await call(t, 'GET', '/v1/fine-tunes/models/supported')).json as {
      models: string[];
    };
    expect(supported.models).toContain(BASE);
    expect(supported.models).not.toContain('meta-llama/Llama-3.3-70B-Instruct-Turbo');
    const limits = (
      await call(t, 'GET', `/v1/fine-tunes/models/limits?model_name=${encodeURIComponent(BASE)}`)
    ).json as Json;
    expect(limits.model_name).toBe(BASE);
    expect((limits.lora_training as Json).max_rank).toBe(64);
    const kimi = (
      await call(t, 'GET', '/v1/fine-tunes/models/limits?model_name=moonshotai/Kimi-K2-Instruct')
    ).json as Json;
    expect((kimi.lora_training as Json).max_rank).toBe(16);
    expect(kimi.supports_full_training).toBe(false);
    const unknown = await call(t, 'GET', '/v1/fine-tunes/models/limits?model_name=acme/unknown');
    expect(unknown.status).toBe(404);
    expect(Object.keys(unknown.json as Json)).toEqual(['message']);
  });

  it('uploads by multipart (/files/upload): PENDING, then COMPLETED with a report', async () => {
    const res = await uploadMultipart(t, chatJsonl(20));
    expect(res.status).toBe(200);
    const created = res.json as Json;
    expect(created).toMatchObject({
      object: 'file',
      purpose: 'fine-tune',
      FileType: 'jsonl',
      Processed: true,
      processing_status: 'PENDING',
    });
    expect(created.id).toMatch(/^file-[0-9a-f-]{36}$/);
    expect(Number.isInteger(created.created_at)).toBe(true);
    trainingId = created.id as string;
    const done = await ready(trainingId);
    expect(done.processing_status).toBe('COMPLETED');
    expect(done.validation_report).toMatchObject({
      valid: true,
      nlines: 20,
      dataset_format: 'CONVERSATION',
      file_id: trainingId,
    });
  });

  it('uploads the SDKs’ way: 302 to a presigned URL, PUT, preprocess; the ETag is the MD5', async () => {
    const content = chatJsonl(6);
    const params = new URLSearchParams({
      file_name: 'valid.jsonl',
      file_type: 'jsonl',
      purpose: 'fine-tune',
    });
    const announce = await call(t, 'POST', `/v1/files?${params.toString()}`, {
      raw: params.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(announce.status).toBe(302);
    const location = announce.headers.get('location')!;
    validationId = announce.headers.get('x-together-file-id')!;
    expect(validationId).toMatch(/^file-/);
    expect(location).toContain(validationId);
    // Not a file until its bytes are in.
    expect((await call(t, 'GET', `/v1/files/${validationId}`)).status).toBe(404);
    const wrong = await call(t, 'PUT', location.replace(/Signature=[^&]+/, 'Signature=forged'), {
      raw: content,
      headers: { authorization: '' },
    });
    expect(wrong.status).toBe(403);
    const put = await call(t, 'PUT', location, {
      raw: content,
      headers: { authorization: '', 'content-type': 'application/octet-stream' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${createHash('md5').update(content).digest('hex')}"`);
    // The URL is spent.
    expect(
      (await call(t, 'PUT', location, { raw: content, headers: { authorization: '' } })).status,
    ).toBe(403);
    const pre = await call(t, 'POST', `/v1/files/${validationId}/preprocess`);
    expect((pre.json as Json).bytes).toBe(Buffer.byteLength(content));
    expect((await ready(validationId)).processing_status).toBe('COMPLETED');
    const downloaded = await t.recorder.fetch(
      `${t.emulator.url}/v1/files/${validationId}/content`,
      { headers: { authorization: `Bearer ${API_KEY}` } },
    );
    expect(await downloaded.text()).toBe(content);
  });

  it('reports INVALID_FORMAT with the line at fault; lists every file; deletes one', async () => {
    const bad = `${chatJsonl(2)}{"messages":[{"role":"user","content":"hi"}]}\n`;
    const id = ((await uploadMultipart(t, bad, 'bad.jsonl')).json as Json).id as string;
    const report = (await ready(id)).validation_report as Json;
    expect((await file(id)).processing_status).toBe('INVALID_FORMAT');
    expect(report).toMatchObject({ valid: false, error_type: 'INVALID_FORMAT' });
    expect(report.error).toMatch(/Line 3: .*assistant/);
    const mixed = `${chatJsonl(1)}{"text":"plain"}\n`;
    const mixedId = ((await uploadMultipart(t, mixed, 'mixed.jsonl')).json as Json).id as string;
    expect(((await ready(mixedId)).validation_report as Json).error).toMatch(/one format per file/);
    const list = (await call(t, 'GET', '/v1/files')).json as { data: Json[] };
    expect(list.data.map((f) => f.id)).toEqual(
      expect.arrayContaining([trainingId, validationId, id]),
    );
    expect(await call(t, 'DELETE', `/v1/files/${id}`)).toMatchObject({
      status: 200,
      json: { id, deleted: true },
    });
    expect((await call(t, 'GET', `/v1/files/${id}`)).status).toBe(404);
  });

  it('estimates a price from tokens × epochs, and says when it may not proceed', async () => {
    const estimate = async (body: Json) =>
      (
        await call(t, 'POST', '/v1/fine-tunes/estimate-price', {
          body: { training_file: trainingId, model: BASE, ...body },
        })
      ).json as Json;
    const one = await estimate({ n_epochs: 1 });
    const three = await estimate({ n_epochs: 3 });
    expect(one).toMatchObject({
      estimation_available: true,
      allowed_to_proceed: true,
      user_limit: 100,
    });
    expect(three.estimated_train_token_count).toBe((one.estimated_train_token_count as number) * 3);
    expect(three.estimated_total_price as number).toBeCloseTo(
      (one.estimated_total_price as number) * 3,
      8,
    );
    const full = await estimate({ n_epochs: 1, training_type: { type: 'Full' } });
    expect(full.estimated_total_price as number).toBeGreaterThan(
      one.estimated_total_price as number,
    );
    t.emulator.setCreditLimit(0.000001);
    expect((await estimate({})).allowed_to_proceed).toBe(false);
    t.emulator.setCreditLimit(100);
    const pending = ((await uploadMultipart(t, chatJsonl(3), 'fresh.jsonl')).json as Json)
      .id as string;
    expect(await estimate({ training_file: pending })).toEqual({
      estimation_available: false,
      unavailable_reason: 'train_file_not_validated',
    });
  });

  let jobId = '';
  let outputName = '';

  it('refuses a job the model’s limits do not allow, naming the field', async () => {
    const create = (body: Json) =>
      call(t, 'POST', '/v1/fine-tunes', {
        body: { training_file: trainingId, model: BASE, ...body },
      });
    const cases: [Json, string][] = [
      [{ model: 'acme/unknown' }, 'model'],
      [{ n_epochs: 0 }, 'n_epochs'],
      [{ training_type: { type: 'Lora', lora_r: 128, lora_alpha: 16 } }, 'training_type.lora_r'],
      [{ n_evals: 2 }, 'n_evals'],
      [{ training_method: { method: 'dpo' } }, 'training_file'],
      [{ suffix: 'x'.repeat(65) }, 'suffix'],
      [{ learning_rate: 1 }, 'learning_rate'],
      // Kimi K2: LoRA only, rank at most 16 (skills supported-models).
      [
        { model: 'moonshotai/Kimi-K2-Instruct', training_type: { type: 'Full' } },
        'training_type.type',
      ],
      [
        {
          model: 'moonshotai/Kimi-K2-Instruct',
          training_type: { type: 'Lora', lora_r: 32, lora_alpha: 64 },
        },
        'training_type.lora_r',
      ],
    ];
    for (const [body, param] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.json as { error: Json }).error.param, JSON.stringify(body)).toBe(param);
    }
  });

  it('trains a job: pending → queued → running → compressing → uploading → completed', async () => {
    const res = await call(t, 'POST', '/v1/fine-tunes', {
      body: {
        training_file: trainingId,
        validation_file: validationId,
        model: BASE,
        suffix: 'tf-k3y',
        n_epochs: 3,
        n_evals: 3,
        n_checkpoints: 2,
        training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32 },
        training_method: { method: 'sft', train_on_inputs: 'auto' },
        wandb_api_key: 'wandb-secret-never-echoed',
        wandb_name: 'tf-k3y',
      },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).not.toContain('wandb-secret');
    const job = res.json as Json;
    expect(job).toMatchObject({
      status: 'pending',
      suffix: 'tf-k3y',
      wandb_name: 'tf-k3y',
      n_epochs: 3,
      batch_size: 32,
    });
    jobId = job.id as string;
    outputName = job.model_output_name as string;
    expect(jobId).toMatch(/^ft-[0-9a-f-]{36}$/);
    expect(outputName).toContain('tf-k3y');
    const seen: string[] = [job.status as string];
    let running: Json | undefined;
    const done = await eventually('the job to complete', async () => {
      const j = (await call(t, 'GET', `/v1/fine-tunes/${jobId}`)).json as Json;
      if (seen.at(-1) !== j.status) seen.push(j.status as string);
      if (j.status === 'running') running ??= j;
      return j.status === 'completed' ? j : undefined;
    });
    expect(seen).toEqual(['pending', 'queued', 'running', 'compressing', 'uploading', 'completed']);
    // Together's own estimate of time to the next state, in (real) seconds.
    expect(running!.progress).toMatchObject({ estimate_available: true });
    const remaining = (running!.progress as Json).seconds_remaining as number;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(3); // ten minutes at 250×: 2.4 s
    expect(done.progress).toEqual({ estimate_available: false, seconds_remaining: 0 });
    expect(done).not.toHaveProperty('suffix');
    expect(done).not.toHaveProperty('wandb_name');
    expect(done).toMatchObject({
      model_output_name: outputName,
      epochs_completed: 3,
      trainingfile_numlines: 20,
    });
    expect(done.model_object_id).toMatch(/^ml_/);
    expect(done.adapter_object_name).toMatch(/-adapter$/);
    expect(done.total_price as number).toBeGreaterThan(0);
    expect(Number.isInteger(done.total_price)).toBe(true);
  });

  it('lists every job, with suffix and wandb_name, and no filters', async () => {
    const list = (await call(t, 'GET', '/v1/fine-tunes')).json as { data: Json[] };
    expect(list.data.find((j) => j.id === jobId)).toMatchObject({
      suffix: 'tf-k3y',
      training_file: trainingId,
      model: BASE,
      status: 'completed',
    });
  });

  it('gives the full event list on every call, oldest first, typed', async () => {
    const events = (
      (await call(t, 'GET', `/v1/fine-tunes/${jobId}/events`)).json as { data: Json[] }
    ).data;
    const types = events.map((e) => e.type);
    for (const [a, b] of [
      ['job_pending', 'job_start'],
      ['job_start', 'training_start'],
      ['training_start', 'checkpoint_save'],
      ['epoch_complete', 'training_complete'],
      ['training_complete', 'model_compressing'],
      ['model_compression_complete', 'model_uploading'],
      ['model_upload_complete', 'job_complete'],
    ]) {
      expect(types.indexOf(a), `${a} before ${b}`).toBeLessThan(types.indexOf(b));
    }
    expect(types.filter((x) => x === 'epoch_complete')).toHaveLength(3);
    expect(types).toContain('wandb_init');
    const again = (
      (await call(t, 'GET', `/v1/fine-tunes/${jobId}/events`)).json as { data: Json[] }
    ).data;
    expect(again.map((e) => e.hash)).toEqual(events.map((e) => e.hash));
    expect(new Set(events.map((e) => e.hash)).size).toBe(events.length);
  });

  it('serves metrics one row per step (W&B keys), evals as rows of their own, filters by query or GET body', async () => {
    const all = (
      (await call(t, 'GET', `/v1/fine-tunes/${jobId}/metrics`)).json as { metrics: Json[] }
    ).metrics;
    const train = all.filter((m) => 'train/loss' in m);
    const evals = all.filter((m) => 'eval/loss' in m);
    expect(train.map((m) => m['train/global_step'])).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(Object.keys(train[0]!).sort()).toEqual([
      'train/global_step',
      'train/grad_norm',
      'train/learning_rate',
      'train/loss',
    ]);
    expect(evals).toHaveLength(3);
    expect(train.at(-1)!['train/loss'] as number).toBeLessThan(train[0]!['train/loss'] as number);
    const byQuery = (
      (await call(t, 'GET', `/v1/fine-tunes/${jobId}/metrics?global_step_from=4&global_step_to=8`))
        .json as { metrics: Json[] }
    ).metrics;
    expect(byQuery.filter((m) => 'train/loss' in m).map((m) => m['train/global_step'])).toEqual([
      4, 5, 6, 7, 8,
    ]);
    // The description's way: filters in a JSON body on the GET (not checked by the recorder: no fetch sends one).
    const byBody = await getWithBody(`${t.emulator.url}/v1/fine-tunes/${jobId}/metrics`, {
      global_step_from: 4,
      global_step_to: 8,
    });
    expect(byBody.status).toBe(200);
    expect(violations('MetricsResponse', byBody.json)).toEqual([]);
    expect(byBody.json).toEqual({ metrics: byQuery });
    const sampled = (
      (await call(t, 'GET', `/v1/fine-tunes/${jobId}/metrics?resolution=4`)).json as {
        metrics: Json[];
      }
    ).metrics;
    expect(sampled.filter((m) => 'train/loss' in m)).toHaveLength(4);
    expect(sampled.filter((m) => 'eval/loss' in m)).toHaveLength(3);
    expect((await call(t, 'GET', `/v1/fine-tunes/${jobId}/metrics?resolution=0`)).status).toBe(400);
  });

  it('lists checkpoints: the intermediate one and the final model and adapter', async () => {
    const data = (
      (await call(t, 'GET', `/v1/fine-tunes/${jobId}/checkpoints`)).json as { data: Json[] }
    ).data;
    expect(data.map((c) => [c.step, c.checkpoint])).toEqual([
      [6, 'adapter'],
      [12, 'model'],
      [12, 'adapter'],
    ]);
    expect(
      data.every((c) => typeof c.object_id === 'string' && c.object_id.startsWith('ml_')),
    ).toBe(true);
  });

  it('answers chat on a serverless base model; a fine-tune needs a deployment (serverless LoRA off)', async () => {
    const chat = await call(t, 'POST', '/v1/chat/completions', {
      body: {
        model: 'Qwen/Qwen3-8B',
        messages: [{ role: 'user', content: 'What is 3 + 3?' }],
        max_tokens: 50,
      },
    });
    expect(chat.status).toBe(200);
    expect(chat.json).toMatchObject({
      object: 'chat.completion',
      model: 'Qwen/Qwen3-8B',
      prompt: [],
    });
    const again = await call(t, 'POST', '/v1/chat/completions', {
      body: {
        model: 'Qwen/Qwen3-8B',
        messages: [{ role: 'user', content: 'What is 3 + 3?' }],
        max_tokens: 50,
      },
    });
    expect((again.json as { choices: Json[] }).choices).toEqual(
      (chat.json as { choices: Json[] }).choices,
    );
    const tuned = await call(t, 'POST', '/v1/chat/completions', {
      body: { model: outputName, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(tuned.status).toBe(404);
    expect((tuned.json as { error: Json }).error.code).toBe('model_not_available');
  });

  it('cancels: cancel_requested, then cancelled, billed for the steps done; a finished job cannot be cancelled', async () => {
    const job = (
      (
        await call(t, 'POST', '/v1/fine-tunes', {
          body: { training_file: trainingId, model: BASE, n_epochs: 2 },
        })
      ).json as Json
    ).id as string;
    await eventually('training under way', () =>
      (t.emulator.job(job)?.stepsDone ?? 0) >= 3 ? true : undefined,
    );
    const res = await call(t, 'POST', `/v1/fine-tunes/${job}/cancel`);
    expect(res.status).toBe(200);
    expect((res.json as Json).status).toBe('cancel_requested');
    const ended = await eventually('cancelled', async () => {
      const j = (await call(t, 'GET', `/v1/fine-tunes/${job}`)).json as Json;
      return j.status === 'cancelled' ? j : undefined;
    });
    const steps = t.emulator.job(job)!.stepsDone;
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(steps).toBeLessThan(12);
    const completed = (await call(t, 'GET', `/v1/fine-tunes/${jobId}`)).json as Json;
    // Same data, two epochs instead of three, and only the steps done: well under the full price.
    expect(ended.total_price as number).toBeGreaterThan(0);
    expect(ended.total_price as number).toBeLessThan(((completed.total_price as number) * 2) / 3);
    expect((await call(t, 'POST', `/v1/fine-tunes/${job}/cancel`)).status).toBe(400);
    expect((await call(t, 'DELETE', `/v1/fine-tunes/${job}`)).json).toEqual({
      message: `Fine-tune job ${job} deleted`,
    });
    expect((await call(t, 'GET', `/v1/fine-tunes/${job}`)).status).toBe(404);
  });

  it('trains DPO on a preference file: the method’s defaults echo, a SimPO gamma goes reference-free, 2.5× the SFT price', async () => {
    const res = await uploadMultipart(t, preferenceJsonl(10), 'prefs.jsonl');
    const prefs = (res.json as Json).id as string;
    expect(((await ready(prefs)).validation_report as Json).dataset_format).toBe(
      'PREFERENCE_OPENAI',
    );
    const price = async (method: string) =>
      (
        (
          await call(t, 'POST', '/v1/fine-tunes/estimate-price', {
            body: { training_file: prefs, model: BASE, training_method: { method } },
          })
        ).json as Json
      ).estimated_total_price as number;
    expect(await price('dpo')).toBeCloseTo((await price('sft')) * 2.5, 8);
    const sft = await call(t, 'POST', '/v1/fine-tunes', {
      body: { training_file: prefs, model: BASE },
    });
    expect((sft.json as { error: Json }).error.param).toBe('training_file');
    const created = (
      await call(t, 'POST', '/v1/fine-tunes', {
        body: {
          training_file: prefs,
          model: BASE,
          training_method: { method: 'dpo', dpo_beta: 0.2 },
        },
      })
    ).json as Json;
    expect(created.training_method).toEqual({
      method: 'dpo',
      dpo_beta: 0.2,
      rpo_alpha: 0,
      dpo_normalize_logratios_by_length: false,
      dpo_reference_free: false,
      simpo_gamma: 0,
    });
    expect(created.batch_size).toBe(16);
    const simpo = (
      await call(t, 'POST', '/v1/fine-tunes', {
        body: {
          training_file: prefs,
          model: BASE,
          training_method: { method: 'dpo', simpo_gamma: 0.5 },
        },
      })
    ).json as Json;
    expect(simpo.training_method).toMatchObject({
      dpo_reference_free: true,
      dpo_normalize_logratios_by_length: true,
    });
    await call(t, 'POST', `/v1/fine-tunes/${simpo.id as string}/cancel`);
    const done = await eventually('the DPO job to complete', async () => {
      const j = (await call(t, 'GET', `/v1/fine-tunes/${created.id as string}`)).json as Json;
      return j.status === 'completed' ? j : undefined;
    });
    expect(done.training_method).toMatchObject({ method: 'dpo' });
  });

  it('went through every file, fine-tune, model and chat route with a successful answer', () => {
    expect(
      uncoveredRoutes(t.recorder.responses, /v1\\\/(files|fine-tunes|models|chat)|_presigned/),
    ).toEqual([]);
  });
});
