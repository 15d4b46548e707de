import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Together from 'together-ai';
import { runSandbox, type SandboxResult } from '../../src/sandbox/run.js';
import type { SandboxStack } from '../../src/sandbox/stack.js';

// `finetune sandbox --provider together --json`: its own dev server, the Together and W&B
// emulators and a worker whose provider is Together; promotion ends on a dedicated endpoint.
describe('finetune sandbox --provider together', () => {
  let result: SandboxResult;
  let stack: SandboxStack | undefined;

  beforeAll(async () => {
    const ran = await runSandbox({
      provider: 'together',
      ui: false,
      persist: true, // asked for, but the Together emulator keeps no state: a fresh sandbox
      runningSeconds: 1,
      dropWebhooks: false,
      keep: true,
      autoApprove: { by: 'sandbox', comment: 'finetune sandbox --json' },
    });
    result = ran.result;
    stack = ran.stack;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('trains on Together, runs the gates, promotes onto a dedicated endpoint that answers', async () => {
    expect(result.status).toBe('succeeded');
    expect(result.provider).toBe('together');
    expect(result.stage).toBe('promoted');
    expect(result.wandb.errors).toEqual([]);
    expect(result.gates.find((g) => g.gate === 'eval')?.verdict).toBe('pass');
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
    // Only production's endpoint bills: the eval gate's was removed.
    expect(stack!.together!.servingCharges().filter((c) => c.running)).toHaveLength(1);
  });
});
