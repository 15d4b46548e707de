import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Together from 'together-ai';
import { runSandbox, type SandboxOptions, type SandboxResult } from '../../src/sandbox/run.js';
import type { SandboxStack } from '../../src/sandbox/stack.js';

// `finetune sandbox --provider together --json`: its own dev server, the Together and W&B
// emulators and a worker whose provider is Together; promotion ends on a dedicated endpoint.
// Its state is kept in the folder (`.sandbox/together` by default), as the OpenAI sandbox's is:
// run twice on one folder, the second run still has the first's job and endpoint.
describe('finetune sandbox --provider together', () => {
  let first: SandboxResult;
  let result: SandboxResult;
  let stack: SandboxStack | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-together-'));
  const options = (by: string): SandboxOptions => ({
    provider: 'together',
    ui: false,
    persist: true,
    stateDir: dir,
    runningSeconds: 1,
    dropWebhooks: false,
    keep: true,
    autoApprove: { by, comment: 'finetune sandbox --json' },
  });

  beforeAll(async () => {
    const before = await runSandbox(options('first'));
    first = before.result;
    await before.stack.stop();
    const ran = await runSandbox(options('second'));
    result = ran.result;
    stack = ran.stack;
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains on Together, runs the gates, promotes onto a dedicated endpoint that answers', async () => {
    expect(result.status).toBe('succeeded');
    expect(result.provider).toBe('together');
    expect(result.stage).toBe('promoted');
    expect(result.wandb.errors).toEqual([]);
    // The first run's candidate beats the base model; the second's is measured against the
    // first's model, trained on the same data, and may score a little under it (which model
    // answers which prompt exactly hangs on a hash of its random id): a warning, never a block.
    expect(first.gates.find((g) => g.gate === 'eval')?.verdict).toBe('pass');
    expect(['pass', 'warn']).toContain(result.gates.find((g) => g.gate === 'eval')?.verdict);
    const serving = result.promotion!.serving!;
    expect(serving.deployment).toMatchObject({ kind: 'dedicated-endpoint' });
    expect(serving.deployment!.costPerHourUsd).toBeGreaterThan(0);
    // What the sandbox prints to export points at the Together emulator, not OpenAI's.
    expect(result.where.env).toMatchObject({ FINETUNE_PROVIDER: 'together' });
    expect(result.where.env.OPENAI_API_KEY).toBeUndefined();
    const api = new Together({
      apiKey: result.where.env.TOGETHER_API_KEY,
      baseURL: result.where.env.TOGETHER_BASE_URL,
      maxRetries: 0,
    });
    const answer = await api.chat.completions.create({
      model: serving.servedAs,
      messages: [{ role: 'user', content: 'The display shows E2.' }],
    });
    expect(answer.choices[0]?.message?.content).toBeTruthy();
    // Only the production endpoints bill (this one, and the one it replaced: the rollback
    // target); the eval gates' were removed.
    const running = stack!.together!.servingCharges().filter((c) => c.running);
    expect(running).toHaveLength(2);
    expect(running.filter((c) => c.name.includes('eval'))).toEqual([]);
  });

  it('started again on the same folder, still has the first run: its job, and its endpoint answering', async () => {
    expect(first).toMatchObject({ status: 'succeeded', stage: 'promoted' });
    expect(result.promotion!.replaced).toBe(first.promotion!.modelVersion);
    const api = new Together({
      apiKey: result.where.env.TOGETHER_API_KEY,
      baseURL: result.where.env.TOGETHER_BASE_URL,
      maxRetries: 0,
    });
    const job = await api.fineTuning.retrieve(first.jobId!);
    expect(job).toMatchObject({ status: 'completed', model_output_name: first.fineTunedModel });
    const answer = await api.chat.completions.create({
      model: first.promotion!.serving!.servedAs,
      messages: [{ role: 'user', content: 'The display shows E2.' }],
    });
    expect(answer.choices[0]?.message?.content).toBeTruthy();
  });
});
