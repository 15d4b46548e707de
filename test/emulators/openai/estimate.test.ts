import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, FAST, startWithTrainingFile, type TestEmulator } from './support/harness.js';

let t: TestEmulator;
let training: string;

beforeAll(async () => {
  ({ t, training } = await startWithTrainingFile({
    ...FAST,
    durations: { ...FAST.durations, runningMs: 3000 },
    overrunEstimateMs: (job) => (job.suffix === 'late' ? 2000 : 0),
  }));
});
afterAll(() => t.close());

/** The job's estimated_finish while running, and how long after it the job really ended (ms). */
async function estimateAndOverrun(suffix: string): Promise<number> {
  const created = await t.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini',
    training_file: training,
    suffix,
  });
  let estimate: number | null = null;
  await eventually('the job to end', async () => {
    const j = await t.client.fineTuning.jobs.retrieve(created.id);
    if (j.status === 'running' && estimate === null) estimate = j.estimated_finish ?? null;
    return j.status === 'succeeded' ? true : undefined;
  });
  expect(estimate).not.toBeNull();
  return t.emulator.jobTimeline(created.id)!.terminalAtMs! - estimate! * 1000;
}

describe('estimated_finish', () => {
  it('is the end, to the nearest second, unless the job is told to overrun it', async () => {
    const [onTime, late] = await Promise.all([
      estimateAndOverrun('on-time'),
      estimateAndOverrun('late'),
    ]);
    // Rounding to the second, plus a late timer tick or two.
    expect(Math.abs(onTime)).toBeLessThan(800);
    expect(late).toBeGreaterThan(1200);
    expect(late).toBeLessThan(2800);
  });
});
