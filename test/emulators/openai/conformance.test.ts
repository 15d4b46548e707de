import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractShapes } from '../../../tools/extract-openapi-shapes.js';
import {
  chatJsonl,
  eventually,
  FAST,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';
import { ResponseRecorder } from './support/recorder.js';
import { schemaFor, violations } from './support/shapes.js';

/** A job as the emulator (and the real service) shows it; the negative checks break it one way at a time. */
const goodJob = {
  object: 'fine_tuning.job',
  id: 'ftjob-abc',
  model: 'gpt-4.1-mini-2025-04-14',
  created_at: 1_760_000_000,
  finished_at: null,
  fine_tuned_model: null,
  organization_id: 'org-x',
  result_files: [],
  status: 'running',
  validation_file: null,
  training_file: 'file-x',
  hyperparameters: { batch_size: 1, learning_rate_multiplier: 1.8, n_epochs: 3 },
  trained_tokens: null,
  error: {},
  user_provided_suffix: null,
  seed: 1,
  estimated_finish: 1_760_000_100,
  integrations: [],
  metadata: null,
  usage_metrics: null,
  shared_with_openai: false,
  method: {
    type: 'supervised',
    supervised: { hyperparameters: { batch_size: 1, learning_rate_multiplier: 1.8, n_epochs: 3 } },
  },
};

/** A chat completion as the real service sends it; broken one way at a time below. */
const goodChat = {
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  created: 1_760_000_000,
  model: 'gpt-4.1-mini-2025-04-14',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hi', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 8,
    completion_tokens: 1,
    total_tokens: 9,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_0123456789',
};

describe('the shape check itself', () => {
  it('accepts a good job, including the documented allowances (paused, error {})', () => {
    expect(violations('FineTuningJob', goodJob)).toEqual([]);
    expect(violations('FineTuningJob', { ...goodJob, status: 'paused' })).toEqual([]);
    expect(
      violations('FineTuningJob', {
        ...goodJob,
        status: 'failed',
        error: { code: 'invalid_n_examples', message: 'too few', param: 'training_file' },
      }),
    ).toEqual([]);
  });

  it('rejects deliberately broken objects', () => {
    expect(violations('FineTuningJob', { ...goodJob, status: 'exploded' })).not.toEqual([]);
    expect(violations('FineTuningJob', { ...goodJob, created_at: Date.now() })).not.toEqual([]); // ms, not s
    expect(violations('FineTuningJob', { ...goodJob, finetuned_model: null })).not.toEqual([]); // invented field
    expect(violations('FineTuningJob', { ...goodJob, error: { message: 'no code' } })).not.toEqual(
      [],
    );
    const noSeed = Object.fromEntries(Object.entries(goodJob).filter(([key]) => key !== 'seed'));
    expect(violations('FineTuningJob', noSeed)).not.toEqual([]);
    expect(
      violations('ErrorResponse', { error: { message: 'x', type: 'y', param: null } }),
    ).not.toEqual([]);
    expect(
      violations('OpenAIFile', {
        object: 'file',
        id: 'f',
        bytes: 1,
        created_at: 1_760_000_000,
        filename: 'a',
        purpose: 'fun',
        status: 'processed',
      }),
    ).not.toEqual([]);
    expect(
      violations('FineTuningJobEvent', {
        object: 'fine_tuning.job.event',
        id: 'e',
        created_at: 1_760_000_000,
        level: 'debug',
        message: 'm',
      }),
    ).not.toEqual([]);
  });

  it('checks chat completions, their choices and usage strictly', () => {
    const chat = 'CreateChatCompletionResponse';
    const choice = goodChat.choices[0]!;
    expect(violations(chat, goodChat)).toEqual([]);
    expect(violations(chat, { ...goodChat, object: 'chat.completions' })).not.toEqual([]);
    expect(violations(chat, { ...goodChat, created: Date.now() })).not.toEqual([]);
    expect(violations(chat, { ...goodChat, choices: [{ ...choice, score: 1 }] })).not.toEqual([]);
    const noLogprobs = Object.fromEntries(Object.entries(choice).filter(([k]) => k !== 'logprobs'));
    expect(violations(chat, { ...goodChat, choices: [noLogprobs] })).not.toEqual([]);
    const usage = { ...goodChat.usage, prompt_tokens_details: { cached: 0 } };
    expect(violations(chat, { ...goodChat, usage })).not.toEqual([]);
  });

  it('maps routes to schemas, errors to ErrorResponse', () => {
    expect(schemaFor('GET', '/v1/fine_tuning/jobs/ftjob-1/events', 200)).toBe(
      'ListFineTuningJobEventsResponse',
    );
    expect(schemaFor('POST', '/v1/uploads/upload_1/complete', 200)).toBe('Upload');
    expect(schemaFor('GET', '/v1/files/file-1/content', 200)).toBeNull();
    expect(schemaFor('GET', '/v1/files/file-1/content', 404)).toBe('ErrorResponse');
    expect(schemaFor('POST', '/v1/chat/completions', 200)).toBe('CreateChatCompletionResponse');
    expect(schemaFor('GET', '/v1/models', 200)).toBe('ListModelsResponse');
    expect(schemaFor('GET', '/v1/models/gpt-4.1-mini', 200)).toBe('Model');
    expect(schemaFor('GET', '/v1/batches', 200)).toBeUndefined();
  });

  it('flags a recorded answer that breaks its schema or has no request id', async () => {
    const recorder = new ResponseRecorder();
    recorder.responses.push(
      {
        method: 'GET',
        path: '/v1/files/file-1',
        status: 200,
        requestId: 'req_1',
        body: { id: 'file-1' },
      },
      {
        method: 'GET',
        path: '/v1/fine_tuning/jobs',
        status: 200,
        requestId: null,
        body: { object: 'list', data: [], has_more: false },
      },
    );
    const problems = await recorder.conformanceProblems();
    expect(problems.some((p) => p.startsWith('GET /v1/files/file-1 → 200: OpenAIFile'))).toBe(true);
    expect(problems).toContain('GET /v1/fine_tuning/jobs → 200: no x-request-id');
  });
});

describe('tools/extract-openapi-shapes', () => {
  const spec = `
openapi: 3.1.0
info: { version: 9.9.9 }
components:
  schemas:
    FineTuningJob:
      type: object
      description: prose that must go
      x-oaiMeta: { name: x }
      properties:
        description: { type: string, description: a property called description stays }
        file: { allOf: [ { $ref: '#/components/schemas/OpenAIFile' }, { nullable: true } ] }
        rate: { type: number, minimum: 0, exclusiveMinimum: true, example: 2 }
      required: [file]
    OpenAIFile: { type: object, properties: { id: { type: string } }, min_items: 2 }
    Unrelated: { type: string }
`;

  it('keeps only what is reachable from the roots, rewrites refs and OpenAPI 3.0 idioms, drops prose', () => {
    const roots = ['FineTuningJob'];
    const doc = extractShapes(spec, 'abc123', roots) as {
      $comment: string;
      $defs: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.$defs).sort()).toEqual(['FineTuningJob', 'OpenAIFile']);
    expect(doc.$comment).toContain('commit abc123');
    expect(doc.$comment).toContain('info.version 9.9.9');
    expect(doc.$defs.FineTuningJob).toEqual({
      type: 'object',
      properties: {
        description: { type: 'string' },
        file: { anyOf: [{ $ref: '#/$defs/OpenAIFile' }, { type: 'null' }] },
        rate: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['file'],
    });
    expect(doc.$defs.OpenAIFile).toEqual({
      type: 'object',
      properties: { id: { type: 'string' } },
    });
  });

  it('says so when a root schema is missing', () => {
    expect(() => extractShapes(spec, undefined, ['Nope'])).toThrow(
      'schema Nope is not in the spec',
    );
  });
});

describe('every endpoint of the emulator matches the OpenAPI shapes', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ ...FAST, failTraining: (job) => job.suffix === 'boom' });
  });
  afterAll(() => t.close());

  it('answers a tour of every route (success and error) within the schemas', async () => {
    const c = t.client;
    const training = await uploadJsonl(c, chatJsonl(12));
    const small = await uploadJsonl(c, chatJsonl(2));
    await c.files.list({ limit: 1 });
    await c.files.list({ purpose: 'assistants' }); // empty page
    await c.files.retrieve(training.id);
    await (await c.files.content(training.id)).text();
    const temp = await c.files.create({
      file: await toFile(Buffer.from('{}'), 'x.jsonl'),
      purpose: 'batch',
    });
    await c.files.delete(temp.id);
    await c.files.retrieve('file-missing').catch(() => undefined);

    const upload = await c.uploads.create({
      bytes: 3,
      filename: 'u.jsonl',
      mime_type: 'text/jsonl',
      purpose: 'fine-tune',
    });
    const part = await c.uploads.parts.create(upload.id, {
      data: await toFile(Buffer.from('{}\n'), 'p'),
    });
    await c.uploads.complete(upload.id, { part_ids: [part.id] });
    const other = await c.uploads.create({
      bytes: 3,
      filename: 'u.jsonl',
      mime_type: 'text/jsonl',
      purpose: 'fine-tune',
    });
    await c.uploads.cancel(other.id);

    const ok = await c.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training.id,
      validation_file: training.id,
      suffix: 'tour',
    });
    const failed = await c.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: small.id,
    });
    const boom = await c.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training.id,
      suffix: 'boom',
    });
    const grader = {
      type: 'string_check' as const,
      name: 'g',
      input: '{{sample.output_text}}',
      reference: '{{item.a}}',
      operation: 'eq' as const,
    };
    const rft = await c.fineTuning.jobs.create({
      model: 'o4-mini',
      training_file: training.id,
      method: { type: 'reinforcement', reinforcement: { grader } },
    });
    const dpo = await c.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training.id,
      method: { type: 'dpo', dpo: {} },
    });
    await c.fineTuning.jobs.cancel(dpo.id);
    const pausing = await c.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training.id,
    });
    await runToEnd(c, failed.id);
    await eventually('running', async () =>
      (await c.fineTuning.jobs.retrieve(pausing.id)).status === 'running' ? true : undefined,
    );
    await c.fineTuning.jobs.pause(pausing.id);
    await c.fineTuning.jobs.retrieve(pausing.id);
    await c.fineTuning.jobs.resume(pausing.id);
    const [okDone] = await Promise.all([ok, boom, rft, pausing].map((j) => runToEnd(c, j.id)));
    const question = [{ role: 'user' as const, content: 'What is 3 + 3?' }];
    await c.chat.completions.create({ model: okDone!.job.fine_tuned_model!, messages: question });
    await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: question, n: 2 });
    await c.chat.completions.create({ model: 'gpt-9', messages: question }).catch(() => undefined);
    await c.models.list();
    await c.models.retrieve(okDone!.job.fine_tuned_model!);
    await c.models.retrieve('gpt-9').catch(() => undefined);
    await c.fineTuning.jobs.list({ limit: 3 });
    await c.fineTuning.jobs.listEvents(ok.id, { limit: 50 });
    await c.fineTuning.jobs.listEvents(failed.id);
    await c.fineTuning.jobs.checkpoints.list(ok.id);
    await c.fineTuning.jobs.checkpoints.list(failed.id);
    await c.fineTuning.jobs.cancel(ok.id).catch(() => undefined);
    await c.fineTuning.jobs
      .create({ model: 'gpt-4.1-mini' } as OpenAI.FineTuning.JobCreateParams)
      .catch(() => undefined);

    const problems = await t.recorder.conformanceProblems();
    expect(problems).toEqual([]);
    const covered = new Set(
      t.recorder.responses
        .filter((r) => r.status < 400)
        .map((r) => schemaFor(r.method, r.path, r.status)),
    );
    expect([...covered].sort()).toEqual(
      [
        null,
        'DeleteFileResponse',
        'FineTuningJob',
        'ListFilesResponse',
        'ListFineTuningJobCheckpointsResponse',
        'ListFineTuningJobEventsResponse',
        'ListPaginatedFineTuningJobsResponse',
        'CreateChatCompletionResponse',
        'ListModelsResponse',
        'Model',
        'OpenAIFile',
        'Upload',
        'UploadPart',
      ].sort(),
    );
    expect(t.recorder.responses.some((r) => r.status >= 400)).toBe(true);
  });
});
