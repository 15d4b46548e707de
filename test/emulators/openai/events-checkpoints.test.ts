import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatJsonl,
  FAST,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';

const STEPS = 12;
let t: TestEmulator;
let job: OpenAI.FineTuning.FineTuningJob;
/** Every event of the finished job, newest first, as listed by the API. */
let events: OpenAI.FineTuning.FineTuningJobEvent[];

type Metrics = Record<string, number>;
const metricsOf = (e: OpenAI.FineTuning.FineTuningJobEvent) => e.data as Metrics;

beforeAll(async () => {
  t = await startTestEmulator({ ...FAST, steps: STEPS });
  const training = await uploadJsonl(t.client, chatJsonl(40)); // 40 examples → 3 epochs
  const validation = await uploadJsonl(t.client, chatJsonl(8), 'valid.jsonl');
  const created = await t.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini-2025-04-14',
    training_file: training.id,
    validation_file: validation.id,
    suffix: 'ev',
  });
  job = (await runToEnd(t.client, created.id)).job;
  events = [];
  for await (const e of t.client.fineTuning.jobs.listEvents(job.id, { limit: 7 })) events.push(e);
});
afterAll(() => t.close());

describe('fineTuning.jobs.listEvents', () => {
  it('tells the story of a job in the observed order (oldest first here)', () => {
    const messages = [...events].reverse().map((e) => e.message);
    expect(messages.slice(0, 4)).toEqual([
      `Created fine-tuning job: ${job.id}`,
      `Validating training file: ${job.training_file} and validation file: ${job.validation_file}`,
      'Files validated, moving job to queued state',
      'Fine-tuning job started',
    ]);
    expect(
      messages
        .slice(4, 4 + STEPS)
        .every((m, i) => m.startsWith(`Step ${i + 1}/${STEPS}: training loss=`)),
    ).toBe(true);
    expect(messages.slice(4 + STEPS)).toEqual([
      expect.stringMatching(
        /^Checkpoint created at step 4 with Snapshot ID: ft:.*:ckpt-step-4$/,
      ) as string,
      expect.stringMatching(
        /^Checkpoint created at step 8 with Snapshot ID: ft:.*:ckpt-step-8$/,
      ) as string,
      `Checkpoint created at step 12 with Snapshot ID: ${job.fine_tuned_model}`,
      `New fine-tuned model created: ${job.fine_tuned_model}`,
      'The job has successfully completed',
    ]);
  });

  it('walks all pages newest first, ids unique', () => {
    expect(events).toHaveLength(4 + STEPS + 5);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => /^ftevent-[A-Za-z0-9]{24}$/.test(e.id))).toBe(true);
    const times = events.map((e) => e.created_at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('reports one metrics event per step with the real data keys', () => {
    const metrics = events.filter((e) => e.type === 'metrics').reverse();
    expect(metrics.map((e) => metricsOf(e).step)).toEqual(
      Array.from({ length: STEPS }, (_, i) => i + 1),
    );
    for (const e of metrics) {
      const d = metricsOf(e);
      expect(d.total_steps).toBe(STEPS);
      expect(Object.keys(d)).toEqual(
        expect.arrayContaining(['step', 'total_steps', 'train_loss', 'train_mean_token_accuracy']),
      );
      if ('valid_loss' in d)
        expect(e.message).toContain(`validation loss=${d.valid_loss.toFixed(2)}`);
      if ('full_valid_loss' in d)
        expect(e.message).toContain(`full validation loss=${d.full_valid_loss.toFixed(2)}`);
    }
    // Full validation at each epoch end (steps 4, 8, 12 of 3 epochs).
    expect(
      metrics.filter((e) => 'full_valid_loss' in metricsOf(e)).map((e) => metricsOf(e).step),
    ).toEqual([4, 8, 12]);
    expect(metrics.some((e) => 'valid_mean_token_accuracy' in metricsOf(e))).toBe(true);
    expect(
      events
        .filter((e) => e.type === 'message')
        .every((e) => Object.keys(e.data as object).length === 0),
    ).toBe(true);
  });

  it('gives the default page of 20 with has_more when called with the job id only', async () => {
    const page = await t.client.fineTuning.jobs.listEvents(job.id);
    expect(page.data.map((e) => e.id)).toEqual(events.slice(0, 20).map((e) => e.id));
    expect(page.has_more).toBe(true);
    const rest = await t.client.fineTuning.jobs.listEvents(job.id, {
      after: page.data.at(-1)!.id,
      limit: 100,
    });
    expect(rest.data.map((e) => e.id)).toEqual(events.slice(20).map((e) => e.id));
    expect(rest.has_more).toBe(false);
  });
});

describe('fineTuning.jobs.checkpoints.list', () => {
  it('keeps the last three epochs, newest first; the newest is the final model', async () => {
    const page = await t.client.fineTuning.jobs.checkpoints.list(job.id);
    expect(page.data.map((c) => c.step_number)).toEqual([12, 8, 4]);
    const [last, middle] = page.data;
    expect(last!.fine_tuned_model_checkpoint).toBe(job.fine_tuned_model);
    expect(middle!.fine_tuned_model_checkpoint).toMatch(
      /^ft:gpt-4\.1-mini-2025-04-14:personal:ev:[A-Za-z0-9]{8}:ckpt-step-8$/,
    );
    for (const c of page.data) {
      expect(c.id).toMatch(/^ftckpt_/);
      expect(c.fine_tuning_job_id).toBe(job.id);
      const event = events.find(
        (e) => e.type === 'metrics' && metricsOf(e).step === c.step_number,
      )!;
      const fromEvent = Object.fromEntries(
        Object.entries(metricsOf(event)).filter(([key]) => key !== 'total_steps'),
      );
      expect(c.metrics).toEqual(fromEvent); // the checkpoint carries that step's metrics
    }
  });

  it('pages with after and limit, with first_id and last_id', async () => {
    const first = await t.client.fineTuning.jobs.checkpoints.list(job.id, { limit: 1 });
    expect(first.data).toHaveLength(1);
    expect(first.has_more).toBe(true);
    const raw = (await t.client.fineTuning.jobs.checkpoints
      .list(job.id, { limit: 1 })
      .asResponse()
      .then((r) => r.json())) as { first_id: string; last_id: string };
    expect(raw.first_id).toBe(first.data[0]!.id);
    expect(raw.last_id).toBe(first.data[0]!.id);
    const all: number[] = [];
    for await (const c of t.client.fineTuning.jobs.checkpoints.list(job.id, { limit: 1 }))
      all.push(c.step_number);
    expect(all).toEqual([12, 8, 4]);
    const after = await t.client.fineTuning.jobs.checkpoints.list(job.id, {
      after: first.data[0]!.id,
      limit: 5,
    });
    expect(after.data.map((c) => c.step_number)).toEqual([8, 4]);
  });

  it('has none before the job succeeds', async () => {
    const created = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: job.training_file,
    });
    const page = await t.client.fineTuning.jobs.checkpoints.list(created.id);
    expect(page.data).toEqual([]);
    await t.client.fineTuning.jobs.cancel(created.id);
  });
});
