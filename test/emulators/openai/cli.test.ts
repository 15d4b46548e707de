import { describe, expect, it } from 'vitest';
import { emulateCommand, toEmulatorOptions } from '../../../src/cli/commands/emulate.js';

/** Parses `finetune emulate openai …` without starting anything, returning the emulator options. */
async function optionsFor(args: string[]) {
  const openai = emulateCommand().commands.find((c) => c.name() === 'openai')!;
  openai.exitOverride().configureOutput({ writeErr: () => undefined });
  openai.action(() => undefined);
  await openai.parseAsync(args, { from: 'user' });
  return toEmulatorOptions(openai.opts());
}

describe('finetune emulate openai', () => {
  it('has defaults that give a job of a few seconds with base64 results', async () => {
    const o = await optionsFor([]);
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 8790,
      durations: { validatingMs: 1000, queuedMs: 1000, runningMs: 6000 },
      steps: 60,
      resultsBase64: true,
      trainingNotAvailable: false,
    });
    expect(o.webhook).toBeUndefined();
    expect(o.faults).toBeUndefined();
  });

  it('maps every flag onto the emulator options', async () => {
    const o = await optionsFor([
      '--port',
      '0',
      '--api-key',
      'sk-local',
      '--running-seconds',
      '2.5',
      '--steps',
      '10',
      '--webhook-url',
      'http://127.0.0.1:8787/webhooks/openai',
      '--webhook-secret',
      'whsec_abc',
      '--drop-webhooks',
      '0.5',
      '--duplicate-webhooks',
      '0.25',
      '--rate-429',
      '0.1',
      '--rate-5xx',
      '0.2',
      '--latency-ms',
      '30',
      '--no-base64-results',
      '--training-not-available',
      '--seed',
      '7',
    ]);
    expect(o).toMatchObject({
      port: 0,
      apiKey: 'sk-local',
      durations: { runningMs: 2500 },
      steps: 10,
      webhook: {
        url: 'http://127.0.0.1:8787/webhooks/openai',
        secret: 'whsec_abc',
        dropRate: 0.5,
        duplicateRate: 0.25,
      },
      faults: { rate429: 0.1, rate5xx: 0.2, latencyMs: 30 },
      resultsBase64: false,
      trainingNotAvailable: true,
      seed: 7,
    });
  });

  it('is the OpenAI flavour unless --flavor azure, which maps the Azure flags', async () => {
    const openai = await optionsFor([]);
    expect(openai.flavor).toBe('openai');
    expect(openai.azure).toBeUndefined();
    expect(openai.durations).not.toHaveProperty('pendingMs');

    const defaults = await optionsFor(['--flavor', 'azure']);
    expect(defaults).toMatchObject({
      flavor: 'azure',
      resultsBase64: false,
      durations: { pendingMs: 500 },
      azure: {
        uploads: false,
        echoMetadata: true,
        listOrder: 'newest-first',
        deployments: { creatingMs: 1500, notReadyMs: 500 },
      },
    });
    const o = await optionsFor([
      '--flavor',
      'azure',
      '--arm-token',
      'arm-t',
      '--pending-seconds',
      '2',
      '--deployment-creating-seconds',
      '3',
      '--deployment-not-ready-seconds',
      '0',
      '--azure-uploads',
      '--no-echo-metadata',
      '--list-order',
      'oldest-first',
    ]);
    expect(o).toMatchObject({
      durations: { pendingMs: 2000 },
      azure: {
        armToken: 'arm-t',
        uploads: true,
        echoMetadata: false,
        listOrder: 'oldest-first',
        deployments: { creatingMs: 3000, notReadyMs: 0 },
      },
    });
    await expect(optionsFor(['--flavor', 'bedrock'])).rejects.toThrow(/Allowed choices/);
  });

  it('refuses out-of-range rates and a webhook URL without its secret', async () => {
    await expect(optionsFor(['--rate-429', '2'])).rejects.toThrow(/from 0 to 1/);
    await expect(optionsFor(['--webhook-url', 'http://x'])).rejects.toThrow(/--webhook-secret/);
  });
});
