import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import {
  SHORT_JOBS,
  createJob,
  expectedLine,
  openaiFor,
  resultsRowsOf,
  runOf,
  runSync,
  timeless,
  uploadSample,
} from './support/wandbHelpers.js';

const SEED = 4242;

/** The job's results file served as OpenAI serves it now (base64) or did before (plain CSV). */
async function syncedJob(h: Harness) {
  const openai = openaiFor(h);
  const files = await uploadSample(openai);
  // The same seed trains the same curve on both emulators.
  const jobId = await createJob(openai, files, { seed: SEED });
  await runSync(h, { fineTuneJobId: jobId, project: 'encoding' });
  const job = await openai.fineTuning.jobs.retrieve(jobId);
  const raw = await (await openai.files.content(job.result_files[0]!)).text();
  return {
    raw,
    rows: await resultsRowsOf(openai, jobId),
    run: runOf(h, 'encoding', jobId),
  };
}

describe('W&B sync: base64 and plain results files', () => {
  let base64: Harness;
  let plain: Harness;
  beforeAll(async () => {
    [base64, plain] = await Promise.all([
      startHarness({ ...SHORT_JOBS, steps: 20, resultsBase64: true }),
      startHarness({ ...SHORT_JOBS, steps: 20, resultsBase64: false }),
    ]);
    await Promise.all([base64.startWorker(), plain.startWorker()]);
  });
  afterAll(async () => {
    await Promise.all([base64?.close(), plain?.close()]);
  });

  it('give the same history and summary', async () => {
    const [a, b] = await Promise.all([syncedJob(base64), syncedJob(plain)]);
    // Really two encodings of one CSV.
    expect(a.raw.startsWith('step,')).toBe(false);
    expect(Buffer.from(a.raw, 'base64').toString('utf8')).toBe(b.raw);
    expect(b.raw.startsWith('step,train_loss,')).toBe(true);

    expect(a.run.history.length).toBe(b.rows.length);
    expect(a.run.history.map(timeless)).toEqual(b.run.history.map(timeless));
    expect(b.run.history.map(timeless)).toEqual(b.rows.map(expectedLine));
    for (const key of [
      'train_loss',
      'train_accuracy',
      'valid_loss',
      'valid_mean_token_accuracy',
      '_step',
    ]) {
      expect(a.run.summary[key]).toBeDefined();
      expect(a.run.summary[key]).toBe(b.run.summary[key]);
    }
    expect(a.run.summary.status).toBe('succeeded');
    expect(b.run.summary.status).toBe('succeeded');
  });
});
