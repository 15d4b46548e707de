import OpenAI, { APIError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAzureShapes } from '../../../tools/extract-azure-shapes.js';
import { deploy } from './support/arm.js';
import { azureSchemaFor, azureViolations } from './support/azureShapes.js';
import {
  chatJsonl,
  eventually,
  FAST_AZURE,
  runToEnd,
  startTestEmulator,
  type TestEmulator,
} from './support/harness.js';

/** A job as Azure shows it while pending (litellm's observation); broken one way at a time. */
const pendingJob = {
  object: 'fine_tuning.job',
  id: 'ftjob-0ee45c0e1b2a4c5d8e9f0a1b2c3d1dcd',
  model: 'gpt-4.1-mini-2025-04-14',
  created_at: 1_760_000_000,
  finished_at: null,
  fine_tuned_model: null,
  organization_id: null,
  result_files: null,
  status: 'pending',
  validation_file: null,
  training_file: 'file-0123456789abcdef0123456789abcdef',
  hyperparameters: { batch_size: 'auto', learning_rate_multiplier: 'auto', n_epochs: 'auto' },
  trained_tokens: null,
  error: null,
  user_provided_suffix: null,
  seed: 1,
  estimated_finish: null,
  integrations: [],
  metadata: null,
  method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 'auto' } } },
};

/** Azure training files come as UTF-8 with a byte-order mark (ft-rest). */
const withBom = (text: string) => `\uFEFF${text}`;

async function upload(client: OpenAI, content: string, name = 'train.jsonl') {
  const file = await client.files.create({
    file: await toFile(Buffer.from(content, 'utf8'), name),
    purpose: 'fine-tune',
  });
  return client.files.waitForProcessing(file.id, { pollInterval: 20 });
}

const create = (client: OpenAI, body: Record<string, unknown>) =>
  client.fineTuning.jobs.create(body as unknown as OpenAI.FineTuning.JobCreateParams);

describe('the Azure shape check itself', () => {
  it('accepts a pending job with the observed nulls, and the pause statuses', () => {
    expect(azureViolations('OpenAI.FineTuningJob', pendingJob)).toEqual([]);
    for (const status of ['pausing', 'paused', 'resuming', 'running']) {
      const job = { ...pendingJob, status, organization_id: 'org-x', result_files: [] };
      expect(azureViolations('OpenAI.FineTuningJob', job)).toEqual([]);
    }
  });

  it("rejects OpenAI's extras and spellings that spec-v1 does not allow", () => {
    const job = 'OpenAI.FineTuningJob';
    expect(azureViolations(job, { ...pendingJob, usage_metrics: null })).not.toEqual([]);
    expect(azureViolations(job, { ...pendingJob, shared_with_openai: false })).not.toEqual([]);
    expect(azureViolations(job, { ...pendingJob, trainingType: 'Standard' })).not.toEqual([]);
    expect(azureViolations(job, { ...pendingJob, error: {} })).not.toEqual([]);
    expect(azureViolations(job, { ...pendingJob, status: 'exploded' })).not.toEqual([]);
    const error = 'AzureErrorResponse';
    expect(azureViolations(error, { error: { code: '401', message: 'x' } })).toEqual([]);
    expect(azureViolations(error, { error: { code: 'x', message: 'y', param: null } })).not.toEqual(
      [],
    );
    expect(
      azureViolations(error, { error: { code: 'x', message: 'y', type: 'invalid_request_error' } }),
    ).not.toEqual([]);
    const file = {
      object: 'file',
      id: 'file-1',
      bytes: 10,
      created_at: 1_760_000_000,
      filename: 'a.jsonl',
      purpose: 'fine-tune',
      status: 'pending',
    };
    expect(azureViolations('AzureOpenAIFile', file)).toEqual([]);
    expect(azureViolations('AzureOpenAIFile', { ...file, expires_at: null })).not.toEqual([]);
    expect(azureViolations('AzureOpenAIFile', { ...file, purpose: 'user_data' })).not.toEqual([]);
  });

  it('maps Azure routes to schemas, errors to AzureErrorResponse', () => {
    expect(azureSchemaFor('GET', '/openai/v1/fine_tuning/jobs/ftjob-1/events', 200)).toBe(
      'OpenAI.ListFineTuningJobEventsResponse',
    );
    expect(azureSchemaFor('GET', '/openai/v1/files/file-1/content', 200)).toBeNull();
    expect(azureSchemaFor('GET', '/openai/v1/files/file-1', 404)).toBe('AzureErrorResponse');
    expect(azureSchemaFor('GET', '/v1/files', 200)).toBeUndefined();
  });
});

describe('tools/extract-azure-shapes', () => {
  const spec = JSON.stringify({
    openapi: '3.0.0',
    info: { version: 'v9' },
    components: {
      schemas: {
        'OpenAI.FineTuningJob': {
          type: 'object',
          description: 'prose',
          properties: {
            error: { type: 'object', nullable: true, properties: { code: { type: 'string' } } },
            method: { $ref: '#/components/schemas/OpenAI.FineTuneMethod' },
          },
        },
        'OpenAI.FineTuneMethod': { type: 'object', discriminator: { propertyName: 'type' } },
        Unrelated: { type: 'string' },
      },
    },
  });

  it('keeps what the roots reach, rewrites refs and nullable, names the source', () => {
    const doc = extractAzureShapes(spec, 'a test', ['OpenAI.FineTuningJob']) as {
      $comment: string;
      $defs: Record<string, unknown>;
    };
    expect(Object.keys(doc.$defs)).toEqual(['OpenAI.FineTuneMethod', 'OpenAI.FineTuningJob']);
    expect(doc.$comment).toContain('a test');
    expect(doc.$comment).toContain('info.version v9');
    expect(doc.$defs['OpenAI.FineTuningJob']).toEqual({
      type: 'object',
      properties: {
        error: {
          anyOf: [{ type: 'object', properties: { code: { type: 'string' } } }, { type: 'null' }],
        },
        method: { $ref: '#/$defs/OpenAI.FineTuneMethod' },
      },
    });
  });
});

describe('auth on /openai/v1 through the official client', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ ...FAST_AZURE, apiKey: 'azure-key' });
  });
  afterAll(() => t.close());

  it('takes the key as the bearer the plain client sends (and no api-key header)', async () => {
    const sent: Headers[] = [];
    const client = new OpenAI({
      baseURL: `${t.emulator.url}/openai/v1`,
      apiKey: 'azure-key',
      maxRetries: 0,
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        sent.push(new Headers(init?.headers));
        return t.recorder.fetch(input, init);
      },
    });
    await client.files.list();
    expect(sent[0]!.get('authorization')).toBe('Bearer azure-key');
    expect(sent[0]!.get('api-key')).toBeNull();
  });

  it("takes `api-key` from defaultHeaders, even beside the client's dummy bearer", async () => {
    const client = t.clientWith({ apiKey: 'unused', defaultHeaders: { 'api-key': 'azure-key' } });
    const list = await client.files.list();
    expect(list.data).toBeInstanceOf(Array);
  });

  it("refuses a wrong or missing key with Azure's observed 401", async () => {
    const wrong = t.clientWith({ apiKey: 'nope' });
    const err = (await wrong.files.list().catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(401);
    expect(err.error).toEqual({
      code: '401',
      message: expect.stringContaining('Access denied due to invalid subscription key') as string,
    });
    const wrongHeader = t.clientWith({ apiKey: 'azure-key', defaultHeaders: { 'api-key': 'x' } });
    await expect(wrongHeader.files.list()).rejects.toMatchObject({ status: 401 });
    const bare = await fetch(`${t.emulator.url}/openai/v1/files`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves nothing under /v1, refuses a dated api-version, allows v1 and preview', async () => {
    const openaiPath = await fetch(`${t.emulator.url}/v1/files`, {
      headers: { 'api-key': 'azure-key' },
    });
    expect(openaiPath.status).toBe(404);
    expect(await openaiPath.json()).toEqual({
      error: { code: '404', message: 'Resource not found' },
    });
    const dated = t.clientWith({ defaultQuery: { 'api-version': '2024-10-21' } });
    await expect(dated.files.list()).rejects.toMatchObject({
      status: 400,
      error: { message: 'api-version not allowed' },
    });
    for (const version of ['v1', 'preview']) {
      const ok = t.clientWith({ defaultQuery: { 'api-version': version } });
      await expect(ok.files.list()).resolves.toBeDefined();
    }
  });
});

describe('a tour of the Azure data plane', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({
      ...FAST_AZURE,
      azure: { ...FAST_AZURE.azure, armToken: 'arm-token' },
      failTraining: (job) => job.suffix === 'boom',
    });
  });
  afterAll(() => t.close());

  it('answers every route (success and error) within spec-v1, with documented allowances', async () => {
    const c = t.client;
    const training = await upload(c, withBom(chatJsonl(12)));
    expect(training.id).toMatch(/^file-[0-9a-f]{32}$/);
    const small = await upload(c, chatJsonl(2));
    await c.files.list();
    await c.files.list({ purpose: 'assistants' }); // empty page
    await c.files.retrieve(training.id);
    await (await c.files.content(training.id)).text();
    const temp = await c.files.create({
      file: await toFile(Buffer.from('{}'), 'x.jsonl'),
      purpose: 'batch',
    });
    await c.files.delete(temp.id);
    await c.files.retrieve('file-missing').catch(() => undefined);

    const std = { model: 'gpt-4.1-mini', training_file: training.id, trainingType: 'Standard' };
    const ok = await create(c, { ...std, validation_file: training.id, suffix: 'tour' });
    expect(ok).toMatchObject({ status: 'pending', organization_id: null, result_files: null });
    const failed = await create(c, { ...std, training_file: small.id });
    const boom = await create(c, { ...std, suffix: 'boom' });
    const grader = {
      type: 'string_check',
      name: 'g',
      input: '{{sample.output_text}}',
      reference: '{{item.a}}',
      operation: 'eq',
    };
    const rft = await create(c, {
      ...std,
      model: 'o4-mini',
      method: { type: 'reinforcement', reinforcement: { grader } },
    });
    const dpo = await create(c, { ...std, method: { type: 'dpo', dpo: {} } });
    await c.fineTuning.jobs.cancel(dpo.id);
    const pausing = await create(c, std);
    await runToEnd(c, failed.id);
    await eventually('running', async () =>
      (await c.fineTuning.jobs.retrieve(pausing.id)).status === 'running' ? true : undefined,
    );
    await c.fineTuning.jobs.pause(pausing.id);
    await c.fineTuning.jobs.retrieve(pausing.id);
    await c.fineTuning.jobs.resume(pausing.id);
    const [okDone] = await Promise.all([ok, boom, rft, pausing].map((j) => runToEnd(c, j.id)));
    expect(okDone!.job.status).toBe('succeeded');

    await deploy(t.emulator, 'tuned', { name: okDone!.job.fine_tuned_model!, version: '1' });
    await deploy(t.emulator, 'base', { name: 'gpt-4.1-mini', version: '2025-04-14' });
    const question = [{ role: 'user' as const, content: 'What is 3 + 3?' }];
    await c.chat.completions.create({ model: 'tuned', messages: question });
    await c.chat.completions.create({ model: 'base', messages: question, n: 2 });
    await c.chat.completions.create({ model: 'nowhere', messages: question }).catch(() => null);
    await c.fineTuning.jobs.list({ limit: 3 });
    await c.fineTuning.jobs.listEvents(ok.id, { limit: 50 });
    await c.fineTuning.jobs.listEvents(failed.id);
    await c.fineTuning.jobs.checkpoints.list(ok.id);
    await c.fineTuning.jobs.checkpoints.list(failed.id);
    await c.fineTuning.jobs.cancel(ok.id).catch(() => undefined);
    await create(c, { model: 'gpt-4.1-mini', training_file: training.id }).catch(() => undefined);
    await c.uploads
      .create({ bytes: 3, filename: 'u.jsonl', mime_type: 'text/jsonl', purpose: 'fine-tune' })
      .catch(() => undefined); // 404: no Uploads by default

    const problems = await t.recorder.conformanceProblems();
    expect(problems).toEqual([]);
    const covered = new Set(
      t.recorder.responses
        .filter((r) => r.status < 400)
        .map((r) => azureSchemaFor(r.method, r.path, r.status)),
    );
    expect([...covered].sort()).toEqual(
      [
        null,
        'AzureListFilesResponse',
        'AzureOpenAIFile',
        'CreateChatCompletionResponse',
        'OpenAI.DeleteFileResponse',
        'OpenAI.FineTuningJob',
        'OpenAI.ListFineTuningJobCheckpointsResponse',
        'OpenAI.ListFineTuningJobEventsResponse',
        'OpenAI.ListPaginatedFineTuningJobsResponse',
      ].sort(),
    );
    const errors = new Set(
      t.recorder.responses.filter((r) => r.status >= 400).map((r) => r.status),
    );
    expect([...errors].sort()).toEqual([400, 404]);
    const statuses = new Set(
      t.recorder.responses.flatMap((r) => {
        const body = r.body as { object?: string; status?: string } | undefined;
        return body?.object === 'fine_tuning.job' ? [body.status] : [];
      }),
    );
    for (const s of ['pending', 'paused', 'succeeded', 'failed', 'cancelled']) {
      expect(statuses).toContain(s);
    }
  });
});
