import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import Together from 'together-ai';
import { describe, expect, it } from 'vitest';
import { emulateCommand } from '../../src/cli/commands/emulate.js';
import { toTogetherEmulatorOptions } from '../../src/cli/commands/emulateTogether.js';
import { eventually } from '../support/eventually.js';

/** Parses `finetune emulate together …` without starting anything, returning the emulator options. */
async function optionsFor(args: string[]) {
  const together = emulateCommand().commands.find((c) => c.name() === 'together')!;
  together.exitOverride().configureOutput({ writeErr: () => undefined });
  together.action(() => undefined);
  await together.parseAsync(args, { from: 'user' });
  return toTogetherEmulatorOptions(together.opts());
}

describe('finetune emulate together', () => {
  it('defaults to a compressed clock, retired v1 creation and no faults', async () => {
    const o = await optionsFor([]);
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 8792,
      timeScale: 100,
      steps: 60,
      durations: { endpointStartMs: 300_000 },
      creditLimitDollars: 100,
      spendingLimitReached: false,
      serving: { v1Create: 'retired', serverlessLoRA: false },
    });
    expect(o.faults).toBeUndefined();
    expect(o.failTraining).toBeUndefined();
    expect(o.serving?.failStart).toBeUndefined();
  });

  it('maps the flags, and lost answers apply to creates only', async () => {
    const o = await optionsFor([
      '--port',
      '0',
      '--api-key',
      'k',
      '--time-scale',
      '600',
      '--endpoint-start-minutes',
      '12',
      '--v1-create',
      'available',
      '--serverless-lora',
      '--spending-limit-reached',
      '--fail-training',
      '--fail-endpoint-start',
      '--rate-429',
      '0.1',
      '--rate-503',
      '0.2',
      '--lose-create-answers',
      '0.5',
      '--seed',
      '3',
    ]);
    expect(o).toMatchObject({
      port: 0,
      apiKey: 'k',
      timeScale: 600,
      durations: { endpointStartMs: 720_000 },
      spendingLimitReached: true,
      serving: { v1Create: 'available', serverlessLoRA: true },
      seed: 3,
    });
    expect(o.failTraining?.({ model: 'm', suffix: null })).toBe(true);
    expect(o.serving?.failStart?.({ model: 'm', hardware: 'h' })).toBe(true);
    expect(o.faults).toMatchObject({
      rate429: 0.1,
      rate503: 0.2,
      rateLoseAnswer: 0.5,
      onlyMethods: ['POST'],
    });
    const creates = o.faults!.onlyPaths!;
    for (const path of [
      '/v1/fine-tunes',
      '/v1/endpoints',
      '/v2/projects/p/endpoints',
      '/v2/projects/p/endpoints/ep_1/deployments',
    ]) {
      expect(creates.test(path), path).toBe(true);
    }
    for (const path of ['/v1/fine-tunes/ft-1/cancel', '/v1/files', '/v1/chat/completions'])
      expect(creates.test(path), path).toBe(false);
    await expect(optionsFor(['--v1-create', 'sometimes'])).rejects.toThrow();
    await expect(optionsFor(['--rate-503', '2'])).rejects.toThrow();
  });

  it('runs: prints the exports, answers the official client, stops on SIGINT', async () => {
    const bin = fileURLToPath(new URL('../../bin/finetune.js', import.meta.url));
    const child = spawn(
      process.execPath,
      [bin, 'emulate', 'together', '--port', '0', '--api-key', 'cli-key'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      await eventually('the export lines', () => out.includes('TOGETHER_PROJECT_ID'), 20_000);
      const baseURL = /export TOGETHER_BASE_URL=(\S+)/.exec(out)?.[1];
      expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(out).toContain('export TOGETHER_API_KEY=cli-key');
      const client = new Together({ apiKey: 'cli-key', baseURL, maxRetries: 0 });
      expect(
        (await client.fineTuning.modelLimits({ model_name: 'Qwen/Qwen3-8B' })).model_name,
      ).toBe('Qwen/Qwen3-8B');
      const refused = await new Together({ apiKey: 'wrong', baseURL, maxRetries: 0 }).models
        .list()
        .catch((e: { status?: number }) => e);
      expect((refused as { status?: number }).status).toBe(401);
    } finally {
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }
  });
});
