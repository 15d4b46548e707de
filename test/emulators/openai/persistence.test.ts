import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator } from '../../../src/emulators/openai/index.js';
import {
  chatJsonl,
  eventually,
  FAST,
  FAST_AZURE,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';
import { deploy } from './support/arm.js';

// The OpenAI emulator with a state folder (the sandbox's `.sandbox/openai`): stopped and started
// again, it still has the files, the jobs (a finished one as it ended, one stopped mid-training
// trains on) and what its models learned, and its ids go on without a clash.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openai-state-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Training long enough to stop the emulator while a job is mid-way. */
const SLOW = { ...FAST, durations: { ...FAST.durations, runningMs: 1500 }, steps: 15 };

/** The model's answers to the twelve training prompts of `chatJsonl(12)`. */
async function answersOf(emulator: TestEmulator, model: string): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < 12; i++) {
    const reply = await emulator.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: `What is ${i} + ${i}?` }],
    });
    answers.push(reply.choices[0]!.message.content ?? '');
  }
  return answers;
}

const started = (stateDir: string, options = SLOW): Promise<TestEmulator> =>
  startTestEmulator({ ...options, apiKey: 'sk-test', stateDir });

describe('OpenAI emulator state between runs', () => {
  it('keeps files, finished jobs and what the model learned; a job stopped mid-training trains on', async () => {
    const stateDir = join(dir, 'openai');
    const first = await started(stateDir);
    const training = await uploadJsonl(first.client, chatJsonl(12));
    const done = await first.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training.id,
      suffix: 'kept',
    });
    const finished = (await runToEnd(first.client, done.id)).job;
    expect(finished.status).toBe('succeeded');
    const before = await answersOf(first, finished.fine_tuned_model!);
    const midway = await first.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training.id,
      suffix: 'midway',
    });
    const stepsBefore = await eventually('a few training steps', async () => {
      const events = await first.client.fineTuning.jobs.listEvents(midway.id, { limit: 100 });
      const steps = events.data.filter((e) => e.type === 'metrics').length;
      return steps >= 3 ? steps : undefined;
    });
    await first.close();

    const second = await started(stateDir);
    try {
      expect(await second.client.files.retrieve(training.id)).toMatchObject({
        id: training.id,
        status: 'processed',
      });
      const again = await second.client.fineTuning.jobs.retrieve(done.id);
      expect(again).toMatchObject({
        status: 'succeeded',
        fine_tuned_model: finished.fine_tuned_model,
        organization_id: finished.organization_id,
        result_files: finished.result_files,
      });
      const results = await second.client.files.content(finished.result_files[0]!);
      expect((await results.text()).length).toBeGreaterThan(0);
      // The fine-tuned model still answers from what it was trained on: the same answers, and
      // most of them the reference (a fine-tuned model gets ~85% exact, a base model ~25%; which
      // prompts it misses hangs on a hash of its random id, so no single prompt is certain).
      const after = await answersOf(second, finished.fine_tuned_model!);
      expect(after).toEqual(before);
      const exact = after.filter((answer, i) => answer === String(i + i)).length;
      expect(exact).toBeGreaterThanOrEqual(6);

      // The job stopped mid-way carries on from its step and ends with every step once.
      const resumed = await runToEnd(second.client, midway.id);
      expect(resumed.job.status).toBe('succeeded');
      const events = await second.client.fineTuning.jobs.listEvents(midway.id, { limit: 100 });
      const steps = events.data
        .filter((e) => e.type === 'metrics')
        .map((e) => (e.data as { step: number }).step)
        .sort((a, b) => a - b);
      expect(steps).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      expect(stepsBefore).toBeLessThan(15);

      // New records do not clash with the old ones.
      const other = await uploadJsonl(second.client, chatJsonl(11), 'other.jsonl');
      expect(other.id).not.toBe(training.id);
      const listed = await second.client.fineTuning.jobs.list({ limit: 10 });
      expect(listed.data.map((j) => j.id)).toEqual([midway.id, done.id]);
    } finally {
      await second.close();
    }
  });

  it('keeps the Azure flavour in a folder of its own, deployments included', async () => {
    const azureDir = join(dir, 'azure');
    const options = {
      ...FAST_AZURE,
      apiKey: 'k',
      azure: { ...FAST_AZURE.azure, armToken: 'arm-token' },
    };
    const first = await startOpenAIEmulator({ ...options, stateDir: azureDir });
    await deploy(first, 'kept', { name: 'gpt-4.1-mini', version: '2025-04-14' });
    await first.close();

    const second = await startOpenAIEmulator({ ...options, stateDir: azureDir });
    try {
      expect(second.deployments()).toMatchObject([
        { name: 'kept', provisioningState: 'Succeeded', ready: true },
      ]);
    } finally {
      await second.close();
    }
    await expect(startOpenAIEmulator({ ...FAST, stateDir: azureDir })).rejects.toThrow(
      /holds the azure flavour's state, not openai's/,
    );
  });
});
