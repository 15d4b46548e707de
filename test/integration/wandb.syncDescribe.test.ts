import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { FIXTURES } from './support/pipelineInput.js';
import {
  ENTITY,
  SHORT_JOBS,
  openaiFor,
  outcomeOf,
  runSync,
  stateOf,
  waitForJob,
} from './support/wandbHelpers.js';

describe("finetune sync describes each job's datasets with that job's model and method", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SHORT_JOBS);
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('a DPO job: its training file is a valid DPO dataset, its validation file has no training cost', async () => {
    const openai = openaiFor(h);
    const upload = async (path: string) => {
      const f = await openai.files.create({ file: createReadStream(path), purpose: 'fine-tune' });
      await openai.files.waitForProcessing(f.id, { pollInterval: 50, maxWait: 30_000 });
      return f.id;
    };
    const training = await upload(join(FIXTURES, 'dpo.jsonl'));
    const validation = await upload(join(FIXTURES, 'dpo.jsonl'));
    const job = await openai.fineTuning.jobs.create({
      model: 'gpt-4o-mini-2024-07-18',
      training_file: training,
      validation_file: validation,
      method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.1 } } },
    });
    await waitForJob(openai, job.id);
    const project = 'describe';
    const result = await runSync(h, { fineTuneJobId: job.id, project });
    expect(outcomeOf(result, job.id).outcome).toBe('synced');

    const [train] = stateOf(h).artifactVersions(ENTITY, project, `train-${training}`);
    expect(train?.metadata).toMatchObject({
      format: 'dpo',
      method: 'dpo',
      model: 'gpt-4o-mini-2024-07-18',
    });
    // No false line-1 error: the file is what the job said it is.
    expect(train?.metadata?.examples).toBe(10);
    const [valid] = stateOf(h).artifactVersions(ENTITY, project, `valid-${validation}`);
    expect(valid?.metadata).toMatchObject({ format: 'dpo', method: 'dpo' });
    expect(valid?.metadata).not.toHaveProperty('estimated_trained_tokens');
    expect(valid?.metadata).not.toHaveProperty('estimated_usd');
  });
});
