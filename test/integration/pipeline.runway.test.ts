import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { startFineTunePipeline, rootMessage } from '../../src/client/pipeline.js';
import { ErrorType } from '../../src/shared/errorTypes.js';
import type { OpenAIEmulatorOptions } from '../../src/emulators/openai/index.js';
import { AZURE_HARNESS } from './support/azure.js';
import { startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

async function failureOf(p: Promise<unknown>): Promise<{ message: string; type?: string }> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let inner: unknown = err;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return { message: rootMessage(err), type: (inner as { type?: string }).type };
}

describe.each([
  ['OpenAI', {}, 'gpt-4.1-nano-2025-04-14', /stopped serving on 2026-10-23/],
  [
    'Azure',
    {
      ...AZURE_HARNESS,
      azure: {
        ...AZURE_HARNESS.azure,
        models: [
          {
            name: 'gpt-4.1-mini',
            version: '2025-04-14',
            lifecycleStatus: 'Deprecating',
            fineTuneRetirement: '2027-04-14',
            inferenceRetirement: '2027-10-14',
            skus: ['GlobalStandard', 'DeveloperTier'],
          },
          {
            name: 'gpt-4o-mini',
            version: '2024-07-18',
            lifecycleStatus: 'Deprecated',
            fineTuneRetirement: '2026-06-01',
            inferenceRetirement: '2027-10-01',
            skus: ['GlobalStandard'],
          },
        ],
      },
    },
    'gpt-4o-mini-2024-07-18',
    /stopped fine-tuning gpt-4o-mini-2024-07-18 on 2026-06-01/,
  ],
] as [string, OpenAIEmulatorOptions, string, RegExp][])(
  'runway refusal before anything is spent (%s)',
  (_name, emulator, model, why) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(emulator);
      await h.startWorker();
    });
    afterAll(() => h?.close());

    it('refuses with the date, before any upload or W&B version', async () => {
      const project = `runway-${randomUUID().slice(0, 8)}`;
      const started = await startFineTunePipeline(
        h.client,
        sampleInput(FAST, { model, wandb: { project } }),
        {
          taskQueue: h.taskQueue,
        },
      );
      const f = await failureOf(started.handle.result());
      expect(f.type).toBe(ErrorType.NoTrainingRunway);
      expect(f.message).toMatch(why);
      expect(h.openai.stats().filesCreated).toBe(0);
      expect(h.wandb!.state.artifactVersions(TEST_WANDB_ENTITY, project, 'train')).toHaveLength(0);
    });
  },
);

describe('training_not_available (OpenAI refuses to train)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ trainingNotAvailable: true }, false);
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('deletes the files this run uploaded and says to train on Azure', async () => {
    const started = await startFineTunePipeline(h.client, sampleInput(FAST, { wandb: false }), {
      taskQueue: h.taskQueue,
    });
    const f = await failureOf(started.handle.result());
    expect(f.type).toBe(ErrorType.TrainingNotAvailable);
    expect(f.message).toMatch(/The 2 file\(s\) this run uploaded were deleted/);
    expect(f.message).toMatch(/FINETUNE_PROVIDER=azure/);
    expect(h.openai.stats().filesCreated).toBe(2);
    const left = await fetch(`${h.openai.url}/v1/files`, {
      headers: { authorization: 'Bearer sk-test-emulator' },
    });
    expect(((await left.json()) as { data: unknown[] }).data).toHaveLength(0);
  });
});
