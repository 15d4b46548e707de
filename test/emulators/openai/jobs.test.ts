import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator } from '../../../src/emulators/openai/index.js';
import {
  chatJsonl,
  chatLine,
  eventually,
  FAST,
  runToEnd,
  sleep,
  startWithTrainingFile,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';

let t: TestEmulator;
let training: string;
let validation: string;

beforeAll(async () => {
  ({ t, training } = await startWithTrainingFile({
    ...FAST,
    // Training long enough that a poll under load still sees `running` (to pause or cancel it).
    durations: { ...FAST.durations, runningMs: 600 },
    failTraining: (job) => job.metadata.fail === 'yes',
  }));
  validation = (await uploadJsonl(t.client, chatJsonl(5), 'valid.jsonl')).id;
});
afterAll(() => t.close());

describe('fineTuning.jobs.create', () => {
  it('creates with the required fields only, resolving the model to its snapshot', async () => {
    const job = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training,
    });
    expect(job.id).toMatch(/^ftjob-[A-Za-z0-9]{24}$/);
    expect(job).toMatchObject({
      object: 'fine_tuning.job',
      model: 'gpt-4.1-mini-2025-04-14',
      status: 'validating_files',
      training_file: training,
      validation_file: null,
      fine_tuned_model: null,
      finished_at: null,
      trained_tokens: null,
      estimated_finish: null,
      result_files: [],
      error: {},
      hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 'auto' } } },
    });
    expect(Number.isInteger(job.seed)).toBe(true);
    expect(job.organization_id).toMatch(/^org-/);
  });

  it('echoes every parameter', async () => {
    const job = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-nano-2025-04-14',
      training_file: training,
      validation_file: validation,
      suffix: 'all-params',
      seed: 42,
      method: {
        type: 'supervised',
        supervised: {
          hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5 },
        },
      },
      integrations: [
        { type: 'wandb', wandb: { project: 'ft', entity: 'team', name: 'run', tags: ['a'] } },
      ],
      metadata: { team: 'search', tf_request: 'r-1' },
    });
    expect(job).toMatchObject({
      model: 'gpt-4.1-nano-2025-04-14',
      validation_file: validation,
      seed: 42,
      user_provided_suffix: 'all-params',
      metadata: { team: 'search', tf_request: 'r-1' },
      integrations: [
        { type: 'wandb', wandb: { project: 'ft', entity: 'team', name: 'run', tags: ['a'] } },
      ],
      hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5 },
    });
  });

  it('accepts DPO and reinforcement methods with their own hyperparameters', async () => {
    const dpo = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini-2025-04-14',
      training_file: training,
      method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2 } } },
    });
    expect(dpo.method).toEqual({
      type: 'dpo',
      dpo: {
        hyperparameters: {
          beta: 0.2,
          n_epochs: 'auto',
          batch_size: 'auto',
          learning_rate_multiplier: 'auto',
        },
      },
    });
    const grader = {
      type: 'string_check' as const,
      name: 'exact',
      input: '{{sample.output_text}}',
      reference: '{{item.answer}}',
      operation: 'eq' as const,
    };
    const rft = await t.client.fineTuning.jobs.create({
      model: 'o4-mini',
      training_file: training,
      method: {
        type: 'reinforcement',
        reinforcement: { grader, hyperparameters: { reasoning_effort: 'low' } },
      },
    });
    expect(rft.model).toBe('o4-mini-2025-04-16');
    expect(rft.method?.reinforcement).toMatchObject({
      grader,
      hyperparameters: { reasoning_effort: 'low', eval_samples: 'auto' },
    });
  });

  it('rejects bad requests with the parameter named', async () => {
    const bad = (body: Record<string, unknown>) =>
      t.client.fineTuning.jobs.create(body as unknown as OpenAI.FineTuning.JobCreateParams);
    await expect(bad({ model: 'gpt-4.1-mini' })).rejects.toMatchObject({
      status: 400,
      param: 'training_file',
    });
    await expect(bad({ model: 'gpt-9', training_file: training })).rejects.toMatchObject({
      status: 400,
      param: 'model',
      code: 'model_not_available',
    });
    await expect(bad({ model: 'gpt-4.1-mini', training_file: 'file-nope' })).rejects.toMatchObject({
      param: 'training_file',
    });
    await expect(
      bad({ model: 'gpt-4.1-mini', training_file: training, epochs: 3 }),
    ).rejects.toThrow('Unrecognized request argument supplied: epochs');
    await expect(
      bad({
        model: 'gpt-4.1-mini',
        training_file: training,
        method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 99 } } },
      }),
    ).rejects.toMatchObject({ param: 'method.supervised.hyperparameters.n_epochs' });
    await expect(
      bad({ model: 'gpt-4.1-mini', training_file: training, suffix: 'x'.repeat(65) }),
    ).rejects.toMatchObject({ param: 'suffix' });
    await expect(
      bad({
        model: 'o4-mini',
        training_file: training,
        method: { type: 'reinforcement', reinforcement: {} },
      }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it('refuses a file that is still being processed', async () => {
    const slow = await startOpenAIEmulator({ ...FAST, durations: { fileProcessingMs: 60_000 } });
    try {
      const client = new OpenAI({ apiKey: 'k', baseURL: `${slow.url}/v1`, maxRetries: 0 });
      const file = await client.files.create({
        file: new File([chatJsonl(10)], 't.jsonl'),
        purpose: 'fine-tune',
      });
      await expect(
        client.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id }),
      ).rejects.toThrow(/^400 .*still being processed/);
    } finally {
      await slow.close();
    }
  });

  it('answers 403 training_not_available when the organisation may no longer train', async () => {
    t.emulator.setTrainingNotAvailable(true);
    try {
      const file = await uploadJsonl(t.client, chatJsonl(10)); // uploads still work
      const attempt = t.client.fineTuning.jobs.create({
        model: 'gpt-4.1-mini',
        training_file: file.id,
      });
      await expect(attempt).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
      await expect(attempt).rejects.toMatchObject({
        status: 403,
        code: 'training_not_available',
        type: 'invalid_request_error',
      });
      await expect(attempt).rejects.toThrow('winding down the fine-tuning platform');
    } finally {
      t.emulator.setTrainingNotAvailable(false);
    }
    await expect(
      t.client.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: training }),
    ).resolves.toBeDefined();
  });
});

describe('job lifecycle', () => {
  it('goes validating_files → queued → running → succeeded, with concrete hyperparameters and a model name', async () => {
    const created = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training,
      suffix: 'life',
    });
    let sawEstimate = false;
    const seen: string[] = [];
    const job = await eventually('success', async () => {
      const j = await t.client.fineTuning.jobs.retrieve(created.id);
      if (seen.at(-1) !== j.status) seen.push(j.status);
      if (j.status === 'running' && j.estimated_finish)
        sawEstimate = j.estimated_finish >= j.created_at;
      return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : undefined;
    });
    // Polls may miss the short phases; the order of what was seen, and the events, may not vary.
    const order = ['validating_files', 'queued', 'running', 'succeeded'];
    expect(created.status).toBe('validating_files');
    expect(seen).toEqual(order.filter((s) => seen.includes(s)));
    expect(seen).toContain('running');
    const messages = (await t.client.fineTuning.jobs.listEvents(job.id, { limit: 100 })).data
      .map((e) => e.message)
      .reverse();
    expect(messages.indexOf('Files validated, moving job to queued state')).toBeLessThan(
      messages.indexOf('Fine-tuning job started'),
    );
    expect(sawEstimate).toBe(true);
    expect(job.fine_tuned_model).toMatch(
      /^ft:gpt-4\.1-mini-2025-04-14:personal:life:[A-Za-z0-9]{8}$/,
    );
    expect(job.error).toEqual({});
    expect(job.finished_at).toBeGreaterThanOrEqual(job.created_at);
    expect(job.estimated_finish).toBeNull();
    // 20 examples: the cookbook's epochs rule gives 5; tokens are billed per epoch.
    expect(job.hyperparameters).toEqual({
      n_epochs: 5,
      batch_size: 1,
      learning_rate_multiplier: 1.8,
    });
    expect(job.trained_tokens).toBeGreaterThan(0);
    expect(job.trained_tokens! % 5).toBe(0);
    expect(job.result_files).toHaveLength(1);
    const timeline = t.emulator.jobTimeline(job.id)!;
    expect(timeline.status).toBe('succeeded');
    expect(timeline.terminalAtMs! - timeline.createdAtMs).toBeGreaterThanOrEqual(400);
  });

  it('fails with invalid_n_examples when the file has fewer than 10 examples', async () => {
    const small = await uploadJsonl(t.client, chatJsonl(7));
    const created = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: small.id,
    });
    const { job, seen } = await runToEnd(t.client, created.id);
    expect(seen).toEqual(['validating_files', 'failed']);
    expect(job.error).toEqual({
      code: 'invalid_n_examples',
      param: 'training_file',
      message: 'Training file has 7 example(s), but must have at least 10 examples',
    });
    expect(job.fine_tuned_model).toBeNull();
  });

  it('fails with invalid_training_file on a malformed line, naming the line', async () => {
    const lines = chatJsonl(12).trim().split('\n');
    lines[4] = '{"messages": [{"role": "bot", "content": "hi"}]}';
    const bad = await uploadJsonl(t.client, lines.join('\n'));
    const { job } = await runToEnd(
      t.client,
      (await t.client.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: bad.id })).id,
    );
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'invalid_training_file', param: 'training_file' });
    expect(job.error?.message).toMatch(/Line 5, message 1: unrecognized role "bot"/);
  });

  it('fails with invalid_validation_file when only the validation file is bad', async () => {
    const bad = await uploadJsonl(t.client, `${chatLine(1)}\nnot json\n`, 'valid.jsonl');
    const created = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training,
      validation_file: bad.id,
    });
    const { job } = await runToEnd(t.client, created.id);
    expect(job.error).toMatchObject({ code: 'invalid_validation_file', param: 'validation_file' });
  });

  it('fails part-way through training when failTraining says so', async () => {
    const created = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training,
      metadata: { fail: 'yes' },
    });
    const { job, seen } = await runToEnd(t.client, created.id);
    expect(seen.at(-1)).toBe('failed');
    expect(seen).toContain('running');
    expect(job.error).toMatchObject({ code: 'training_failed', param: null });
    const events = await t.client.fineTuning.jobs.listEvents(job.id, { limit: 100 });
    expect(events.data.filter((e) => e.type === 'metrics')).toHaveLength(6);
    expect(events.data[0]).toMatchObject({ level: 'error', message: job.error?.message });
  });

  it('cancels a running job; a finished job cannot be cancelled again', async () => {
    const created = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training,
    });
    await eventually('running', async () =>
      (await t.client.fineTuning.jobs.retrieve(created.id)).status === 'running' ? true : undefined,
    );
    const cancelled = await t.client.fineTuning.jobs.cancel(created.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.finished_at).toBeGreaterThanOrEqual(cancelled.created_at);
    await sleep(350);
    expect((await t.client.fineTuning.jobs.retrieve(created.id)).status).toBe('cancelled');
    await expect(t.client.fineTuning.jobs.cancel(created.id)).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    const timeline = t.emulator.jobTimeline(created.id)!;
    expect(timeline.status).toBe('cancelled');
    expect(timeline.terminalAtMs).toBeGreaterThan(timeline.createdAtMs);
  });

  it('pauses and resumes a running job', async () => {
    const created = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training,
    });
    await expect(t.client.fineTuning.jobs.pause(created.id)).rejects.toMatchObject({ status: 400 }); // still validating
    await eventually('running', async () =>
      (await t.client.fineTuning.jobs.retrieve(created.id)).status === 'running' ? true : undefined,
    );
    const paused = await t.client.fineTuning.jobs.pause(created.id);
    expect(paused.status as string).toBe('paused');
    expect(paused.estimated_finish).toBeNull();
    const count = async () =>
      (await t.client.fineTuning.jobs.listEvents(created.id, { limit: 100 })).data.length;
    const before = await count();
    await sleep(150);
    expect(await count()).toBe(before); // no training while paused
    await expect(t.client.fineTuning.jobs.resume(created.id).then((j) => j.status)).resolves.toBe(
      'running',
    );
    await expect(t.client.fineTuning.jobs.resume(created.id)).rejects.toMatchObject({
      status: 400,
    });
    const { job } = await runToEnd(t.client, created.id);
    expect(job.status).toBe('succeeded');
  });

  it('does not know a job it never made', async () => {
    await expect(t.client.fineTuning.jobs.retrieve('ftjob-unknown')).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });
});

describe('fineTuning.jobs.list', () => {
  it('lists newest first across pages and filters by metadata the way the SDK encodes it', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      const job = await t.client.fineTuning.jobs.create({
        model: 'gpt-4.1-mini',
        training_file: training,
        metadata: { batch: 'list-test', i: String(i) },
      });
      ids.push(job.id);
    }
    const seen: string[] = [];
    for await (const job of t.client.fineTuning.jobs.list({
      metadata: { batch: 'list-test' },
      limit: 2,
    }))
      seen.push(job.id);
    expect(seen).toEqual([...ids].reverse());

    const page = await t.client.fineTuning.jobs.list({
      metadata: { batch: 'list-test' },
      limit: 2,
      after: ids[4],
    });
    expect(page.data.map((j) => j.id)).toEqual([ids[3], ids[2]]);
    expect(page.has_more).toBe(true);
    const one = await t.client.fineTuning.jobs.list({ metadata: { batch: 'list-test', i: '3' } });
    expect(one.data.map((j) => j.id)).toEqual([ids[3]]);

    const all = await t.client.fineTuning.jobs.list();
    expect(all.data.map((j) => j.id)).toEqual(ids.slice(1).reverse()); // default page size 20
    expect(all.has_more).toBe(true);
    const bare = await t.client.fineTuning.jobs.list({ metadata: null, limit: 100 });
    expect(bare.data.length).toBeGreaterThan(0);
    expect(bare.data.every((j) => j.metadata === null)).toBe(true);
    const none = await t.client.fineTuning.jobs.list({ metadata: { batch: 'nothing-like-this' } });
    expect(none).toMatchObject({ data: [], has_more: false });
  });
});
