import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatJsonl,
  FAST,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';

let base64: TestEmulator;
let plain: TestEmulator;

beforeAll(async () => {
  [base64, plain] = await Promise.all([
    startTestEmulator(FAST),
    startTestEmulator({ ...FAST, resultsBase64: false }),
  ]);
});
afterAll(async () => {
  await base64.close();
  await plain.close();
});

async function trainedResults(client: OpenAI, seed: number, withValidation: boolean) {
  const training = await uploadJsonl(client, chatJsonl(30));
  const validation = withValidation
    ? await uploadJsonl(client, chatJsonl(6), 'v.jsonl')
    : undefined;
  const created = await client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini',
    training_file: training.id,
    validation_file: validation?.id ?? null,
    seed,
  });
  const { job } = await runToEnd(client, created.id);
  const file = await client.files.retrieve(job.result_files[0]!);
  const body = await (await client.files.content(file.id)).text();
  return { job, file, body };
}

function rows(csv: string): Record<string, string>[] {
  const [header, ...lines] = csv.trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i]!, v])));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('results file', () => {
  it('is a fine-tune-results file served base64-encoded, holding the documented CSV', async () => {
    const { job, file, body } = await trainedResults(base64.client, 7, true);
    expect(file).toMatchObject({
      purpose: 'fine-tune-results',
      filename: 'step_metrics.csv',
      status: 'processed',
    });
    expect(body).toMatch(/^[A-Za-z0-9+/=]+$/);
    const csv = Buffer.from(body, 'base64').toString('utf8');
    expect(csv.split('\n')[0]).toBe(
      'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy',
    );
    const table = rows(csv);
    expect(table.map((r) => Number(r.step))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Validation columns are filled on validation steps only; the step's events agree.
    const events = await base64.client.fineTuning.jobs.listEvents(job.id, { limit: 100 });
    for (const r of table) {
      const event = events.data.find(
        (e) => e.type === 'metrics' && (e.data as { step: number }).step === Number(r.step),
      )!;
      const d = event.data as Record<string, number>;
      expect(Number(r.train_loss)).toBe(d.train_loss);
      expect(Number(r.train_accuracy)).toBe(d.train_mean_token_accuracy);
      expect(r.valid_loss === '' ? undefined : Number(r.valid_loss)).toBe(d.valid_loss);
    }
  });

  it('shows a falling loss, the same for the same seed, different for another', async () => {
    const [a, b, c] = await Promise.all([
      trainedResults(base64.client, 11, false),
      trainedResults(base64.client, 11, false),
      trainedResults(base64.client, 12, false),
    ]);
    expect(a.body).toBe(b.body);
    expect(a.body).not.toBe(c.body);
    const losses = rows(Buffer.from(a.body, 'base64').toString()).map((r) => Number(r.train_loss));
    expect(mean(losses.slice(0, 4))).toBeGreaterThan(mean(losses.slice(-4)) + 0.3);
    expect(losses.every((l) => l > 0 && l < 5)).toBe(true);
    expect(rows(Buffer.from(a.body, 'base64').toString()).every((r) => r.valid_loss === '')).toBe(
      true,
    );
  });

  it('can be served as plain CSV instead', async () => {
    const { body } = await trainedResults(plain.client, 7, false);
    expect(body.startsWith('step,train_loss,')).toBe(true);
  });
});
