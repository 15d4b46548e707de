import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { resolve } from '../../src/client/promotion.js';
import { startHarness, TEST_OPENAI_KEY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

// FINETUNE_PROVIDER=openai-compatible on the real dev server: the emulator as a Nebius-like
// host (OpenAI's API under /v1, metadata dropped, no webhooks; fine-tunes callable only once
// made servable through /v0/models) and the worker with the openai-compatible provider.
describe('the pipeline on an OpenAI-compatible host (emulated, Nebius-like), end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      flavor: 'openai-compatible',
      apiKey: TEST_OPENAI_KEY,
      compatible: {
        customModels: {
          validatingMs: 400,
          // Production's model only: the eval gate's (eval-…) loads, so the failure is promotion's.
          failActivation: (name, job) =>
            !name.startsWith('eval-') && (job.suffix?.startsWith('nb-bad') ?? false),
        },
      },
    });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const run = async (project: string, suffix: string) => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        suffix,
        wandb: { project },
        promotion: { autoApprove: { by: 'ops' } },
      }),
      { taskQueue: h.taskQueue },
    );
    return started.handle.result();
  };

  it('trains without metadata or webhooks, deploys at promotion through /v0/models, and resolve gives the deployed model', async () => {
    const project = `compat-${randomUUID().slice(0, 8)}`;
    const result = await run(project, 'nb-one');
    expect(result.stage).toBe('promoted');
    const serving = result.approval!.promotion!.serving!;
    const deployed = h.openai.customModels();
    // Production's model stays; the eval gate's was removed after the eval.
    expect(deployed).toEqual([
      expect.objectContaining({ name: serving.servedAs, short: result.jobId, status: 'active' }),
    ]);
    expect(serving.servedAs).toMatch(/^gpt-4\.1-mini-2025-04-14-LoRa:/);
    expect(deployed[0]!.source.startsWith(`${result.jobId}:ftckpt_`)).toBe(true);
    const eval_ = result.approval!.gates.find((g) => g.gate === 'eval')!;
    expect(eval_.verdict).toBe('pass');

    const resolved = await resolve(
      h.client,
      { project, collection: 'model-metadata', alias: 'production' },
      { taskQueue: h.taskQueue },
    );
    expect(resolved?.servedAs).toBe(serving.servedAs);
    // What resolve gives answers through the official client; the job's own model name does not.
    const caller = new OpenAI({
      apiKey: TEST_OPENAI_KEY,
      baseURL: h.openai.baseURL,
      maxRetries: 0,
    });
    const answer = await caller.chat.completions.create({
      model: resolved!.servedAs!,
      messages: [{ role: 'user', content: 'The display shows E2.' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    await expect(
      caller.chat.completions.create({
        model: result.fineTunedModel,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('a model that never becomes active fails the promotion cleanly: production stays where it was', async () => {
    const project = `compat-${randomUUID().slice(0, 8)}`;
    const first = await run(project, 'nb-good');
    expect(first.stage).toBe('promoted');
    const where = { project, collection: 'model-metadata', alias: 'production' };
    const before = await resolve(h.client, where, { taskQueue: h.taskQueue });

    const outcome = await run(project, 'nb-bad').then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e: e as Error }),
    );
    const causes = (e: unknown): string =>
      e instanceof Error ? `${e.message} ← ${causes(e.cause)}` : '';
    const text = outcome.ok ? JSON.stringify(outcome.r.approval?.promotion) : causes(outcome.e);
    expect(outcome.ok && outcome.r.stage === 'promoted').toBe(false);
    expect(text).toMatch(/status error/);
    const after = await resolve(h.client, where, { taskQueue: h.taskQueue });
    expect(after?.servedAs).toBe(before!.servedAs);
  });
});
