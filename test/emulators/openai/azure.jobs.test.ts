import OpenAI, { APIError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AZURE_DEFAULT_MODEL_CATALOG,
  type OpenAIEmulatorOptions,
} from '../../../src/emulators/openai/index.js';
import {
  chatJsonl,
  FAST_AZURE,
  runToEnd,
  startTestEmulator,
  type TestEmulator,
} from './support/harness.js';

const HEX32 = '[0-9a-f]{32}';

async function upload(client: OpenAI, content: string) {
  const file = await client.files.create({
    file: await toFile(Buffer.from(content, 'utf8'), 'train.jsonl'),
    purpose: 'fine-tune',
  });
  return (await client.files.waitForProcessing(file.id, { pollInterval: 20 })).id;
}

const create = (client: OpenAI, body: Record<string, unknown>) =>
  client.fineTuning.jobs.create(body as unknown as OpenAI.FineTuning.JobCreateParams);

async function refusal(promise: Promise<unknown>): Promise<APIError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof APIError)) throw err;
  return err;
}

async function withEmulator(
  options: OpenAIEmulatorOptions,
  body: (t: TestEmulator, training: string) => Promise<void>,
): Promise<void> {
  const t = await startTestEmulator({ ...FAST_AZURE, ...options });
  try {
    await body(t, await upload(t.client, chatJsonl(12)));
  } finally {
    await t.close();
  }
}

describe('Azure fine-tuning jobs', () => {
  let t: TestEmulator;
  let training: string;
  const std = () => ({ model: 'gpt-4.1-mini', training_file: training, trainingType: 'Standard' });

  beforeAll(async () => {
    t = await startTestEmulator(FAST_AZURE);
    // UTF-8 with a byte-order mark, as Azure asks (ft-rest).
    training = await upload(t.client, `\uFEFF${chatJsonl(12)}`);
  });
  afterAll(() => t.close());

  it('needs trainingType: without it, 400 "The specified base model does not support fine-tuning."', async () => {
    const err = await refusal(create(t.client, { model: 'gpt-4.1-mini', training_file: training }));
    expect(err.status).toBe(400);
    expect(err.error).toEqual({
      code: '400',
      message: 'The specified base model does not support fine-tuning.',
    });
  });

  it('accepts the three tiers in any case and records what was sent', async () => {
    for (const sent of ['Standard', 'globalStandard', 'DEVELOPERTIER', 'developertier']) {
      const job = await create(t.client, { ...std(), trainingType: sent });
      expect(t.emulator.azureJob(job.id)).toEqual({
        trainingType: sent,
        tier: { s: 'Standard', g: 'GlobalStandard', d: 'DeveloperTier' }[sent[0]!.toLowerCase()],
      });
      expect(job).not.toHaveProperty('trainingType');
      await t.client.fineTuning.jobs.cancel(job.id);
    }
    const err = await refusal(create(t.client, { ...std(), trainingType: 'Premium' }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('trainingType');
    expect(t.emulator.azureJob('ftjob-unknown')).toBeUndefined();
  });

  it('allows suffixes of up to 40 characters from [A-Za-z0-9_-] only', async () => {
    for (const suffix of ['x'.repeat(41), 'has space', 'dot.ted', 'ümlaut']) {
      const err = await refusal(create(t.client, { ...std(), suffix }));
      expect(err.status).toBe(400);
      expect(err.param).toBe('suffix');
    }
    const job = await create(t.client, { ...std(), suffix: `A-b_${'9'.repeat(36)}` });
    await t.client.fineTuning.jobs.cancel(job.id);
  });

  it('refuses models Azure cannot fine-tune', async () => {
    for (const model of ['gpt-3.5-turbo', 'ft:gpt-4.1-mini-2025-04-14:personal::abc', 'gpt-9']) {
      const err = await refusal(create(t.client, { ...std(), model }));
      expect(err.status).toBe(400);
      expect(err.message).toContain('does not support fine-tuning');
    }
  });

  it('runs pending → validating_files → queued → running → succeeded, with Azure names and ids', async () => {
    const job = await create(t.client, { ...std(), suffix: 'v01', validation_file: training });
    expect(job.id).toMatch(new RegExp(`^ftjob-${HEX32}$`));
    expect(job).toMatchObject({ status: 'pending', organization_id: null, result_files: null });
    expect(job.error).toBeNull();
    const { job: done, seen } = await runToEnd(t.client, job.id);
    // Polls may miss a short phase; the order of what was seen may not vary.
    const order = ['pending', 'validating_files', 'queued', 'running', 'succeeded'];
    expect(seen).toEqual(order.filter((s) => seen.includes(s)));
    expect(seen.at(-1)).toBe('succeeded');
    const hex = job.id.slice('ftjob-'.length);
    expect(done.fine_tuned_model).toBe(`gpt-4.1-mini-2025-04-14.ft-${hex}-v01`);
    expect(done.organization_id).toEqual(expect.any(String));
    expect(done).not.toHaveProperty('usage_metrics');
    expect(done).not.toHaveProperty('shared_with_openai');

    const checkpoints = (await t.client.fineTuning.jobs.checkpoints.list(job.id)).data;
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const c of checkpoints) expect(c.id).toMatch(new RegExp(`^ftchkpt-${HEX32}$`));
    expect(checkpoints[0]!.fine_tuned_model_checkpoint).toBe(done.fine_tuned_model);

    const [resultId] = done.result_files;
    const file = await t.client.files.retrieve(resultId!);
    expect(file).toMatchObject({ filename: 'results.csv', purpose: 'fine-tune-results' });
    expect(file.id).toMatch(new RegExp(`^file-${HEX32}$`));
    const csv = await (await t.client.files.content(resultId!)).text();
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe(
      'step,train_loss,train_mean_token_accuracy,valid_loss,validation_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy',
    );
    expect(rows).toHaveLength(12);
    expect(rows[0]!.split(',')[0]).toBe('1');

    const events = (await t.client.fineTuning.jobs.listEvents(job.id, { limit: 100 })).data;
    expect(events[0]!.message).toBe('The job has successfully completed'); // newest first
    for (const e of events) expect(e.id).toMatch(new RegExp(`^ftevent-${HEX32}$`));
  });

  it('names a fine-tune without a suffix <base>.ft-<hex>, and trains on top of it', async () => {
    const first = await create(t.client, std());
    const tuned = (await runToEnd(t.client, first.id)).job.fine_tuned_model!;
    expect(tuned).toBe(`gpt-4.1-mini-2025-04-14.ft-${first.id.slice(6)}`);
    const again = await create(t.client, { ...std(), model: tuned, suffix: 'more' });
    expect(again.model).toBe(tuned);
    const done = (await runToEnd(t.client, again.id)).job;
    expect(done.fine_tuned_model).toBe(`gpt-4.1-mini-2025-04-14.ft-${again.id.slice(6)}-more`);
  });

  it('keeps and echoes metadata but ignores metadata[...] filters when listing', async () => {
    const tagged = await create(t.client, { ...std(), metadata: { run: 'r-1' } });
    expect(tagged.metadata).toEqual({ run: 'r-1' });
    const other = await create(t.client, { ...std(), metadata: { run: 'r-2' } });
    const filtered = await t.client.fineTuning.jobs.list({ metadata: { run: 'r-1' }, limit: 100 });
    const ids = filtered.data.map((j) => j.id);
    expect(ids).toContain(other.id);
    expect(ids.indexOf(other.id)).toBeLessThan(ids.indexOf(tagged.id)); // newest first
    await t.client.fineTuning.jobs.cancel(tagged.id);
    await t.client.fineTuning.jobs.cancel(other.id);
  });

  it('still validates the data in the job (too few examples fail it)', async () => {
    const small = await upload(t.client, chatJsonl(3));
    const job = await create(t.client, { ...std(), training_file: small });
    const { job: done } = await runToEnd(t.client, job.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'invalid_n_examples', param: 'training_file' });
  });

  it('has no Uploads API by default', async () => {
    const err = await refusal(
      t.client.uploads.create({
        bytes: 3,
        filename: 'u.jsonl',
        mime_type: 'text/jsonl',
        purpose: 'fine-tune',
      }),
    );
    expect(err.status).toBe(404);
    expect(err.error).toEqual({ code: '404', message: 'Resource not found' });
  });

  it("answers injected 429s in Azure's shape, with retry-after-ms", async () => {
    t.emulator.setFaults({ rate429: 1, maxFaults: 1, retryAfterSeconds: 2 });
    try {
      const err = await refusal(t.client.files.list());
      expect(err.status).toBe(429);
      expect(err.headers?.get('retry-after')).toBe('2');
      expect(err.headers?.get('retry-after-ms')).toBe('2000');
      expect(err.error).toMatchObject({ code: '429' });
    } finally {
      t.emulator.setFaults(undefined);
    }
  });
});

describe('Azure options for the unverified behaviours', () => {
  it('echoMetadata: false answers metadata null (and still keeps it for failTraining)', async () => {
    await withEmulator(
      {
        azure: { echoMetadata: false },
        failTraining: (job) => job.metadata.fail === 'yes',
      },
      async (t, training) => {
        const body = { model: 'gpt-4.1-mini', training_file: training, trainingType: 'Standard' };
        const job = await create(t.client, { ...body, metadata: { fail: 'yes' } });
        expect(job.metadata).toBeNull();
        const { job: done } = await runToEnd(t.client, job.id);
        expect(done.metadata).toBeNull();
        expect(done.status).toBe('failed');
      },
    );
  });

  it("listOrder: 'oldest-first' lists jobs and events oldest first", async () => {
    await withEmulator({ azure: { listOrder: 'oldest-first' } }, async (t, training) => {
      const body = { model: 'gpt-4.1-mini', training_file: training, trainingType: 'Standard' };
      const a = await create(t.client, body);
      const b = await create(t.client, body);
      const ids = (await t.client.fineTuning.jobs.list()).data.map((j) => j.id);
      expect(ids).toEqual([a.id, b.id]);
      const events = (await t.client.fineTuning.jobs.listEvents(a.id)).data;
      expect(events[0]!.message).toBe(`Created fine-tuning job: ${a.id}`);
    });
  });

  it('uploads: true serves the Uploads API under /openai/v1', async () => {
    await withEmulator({ azure: { uploads: true } }, async (t) => {
      const up = await t.client.uploads.create({
        bytes: 3,
        filename: 'u.jsonl',
        mime_type: 'text/jsonl',
        purpose: 'fine-tune',
      });
      const part = await t.client.uploads.parts.create(up.id, {
        data: await toFile(Buffer.from('{}\n'), 'p'),
      });
      const done = await t.client.uploads.complete(up.id, { part_ids: [part.id] });
      expect(done.status).toBe('completed');
      expect(done.file?.id).toMatch(new RegExp(`^file-${HEX32}$`));
    });
  });

  it('trainingTypes extends the accepted tiers; a catalogue with a past fineTune date refuses', async () => {
    const models = AZURE_DEFAULT_MODEL_CATALOG.map((m) =>
      m.name === 'gpt-4o-mini' ? { ...m, fineTuneRetirement: '2020-01-01' } : m,
    );
    await withEmulator(
      { azure: { trainingTypes: ['Standard', 'DataZoneStandard'], models } },
      async (t, training) => {
        const job = await create(t.client, {
          model: 'gpt-4.1-mini',
          training_file: training,
          trainingType: 'datazonestandard',
        });
        expect(t.emulator.azureJob(job.id)?.tier).toBe('DataZoneStandard');
        const err = await refusal(
          create(t.client, {
            model: 'gpt-4o-mini',
            training_file: training,
            trainingType: 'Standard',
          }),
        );
        expect(err.error).toMatchObject({
          message: 'The specified base model does not support fine-tuning.',
        });
        await t.client.fineTuning.jobs.cancel(job.id);
      },
    );
  });
});
