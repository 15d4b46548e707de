import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import type { WandbEmulatorOptions } from '../../emulators/wandb/index.js';
import { numberIn, port, rate } from '../numberOption.js';
import { waitForShutdownSignal } from '../../shutdown.js';

interface WandbFlags {
  host: string;
  port: number;
  apiKey?: string;
  entity: string;
  dataDir?: string;
  rate429: number;
  rate5xx: number;
  rate5xxAfter: number;
  latencyMs: number;
}

export function toWandbEmulatorOptions(f: WandbFlags, apiKey: string): WandbEmulatorOptions {
  const faulty = f.rate429 > 0 || f.rate5xx > 0 || f.rate5xxAfter > 0 || f.latencyMs > 0;
  return {
    host: f.host,
    port: f.port,
    apiKeys: [apiKey],
    defaultEntity: f.entity,
    ...(f.dataDir ? { dataDir: f.dataDir } : {}),
    ...(faulty
      ? {
          faults: {
            rate429: f.rate429,
            rate5xx: f.rate5xx,
            rate5xxAfterHandling: f.rate5xxAfter,
            latencyMs: f.latencyMs,
          },
        }
      : {}),
  };
}

/** `finetune emulate wandb`: a local W&B backend for the official clients and ours. */
export function emulateWandbCommand(): Command {
  return new Command('wandb')
    .description(
      'Serve a local W&B backend (GraphQL, file stream, artifact storage) for WANDB_BASE_URL',
    )
    .option('--host <ip>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', port, 8791)
    .option('--api-key <key>', 'accept only this API key (default: a fresh random key, printed)')
    .option('--entity <name>', "the viewer's default entity", 'sandbox')
    .option('--data-dir <dir>', 'keep blobs here (default: a temp dir removed on exit)')
    .option('--rate-429 <rate>', 'share of requests answered 429 with Retry-After (0–1)', rate, 0)
    .option('--rate-5xx <rate>', 'share of requests answered 503 (0–1)', rate, 0)
    .option(
      '--rate-5xx-after <rate>',
      'share of requests handled but answered 503, as if the response were lost (0–1)',
      rate,
      0,
    )
    .option('--latency-ms <n>', 'extra delay on every request', numberIn(0, 600_000, true), 0)
    .action(async (f: WandbFlags) => {
      // W&B clients insist on keys of 40+ word characters; "local-" marks a non-cloud key.
      const apiKey = f.apiKey ?? `local-${randomBytes(20).toString('hex')}`;
      // Loaded only when this command runs: the emulator pulls in fastify and GraphQL.
      const { startWandbEmulator } = await import('../../emulators/wandb/index.js');
      const emulator = await startWandbEmulator(toWandbEmulatorOptions(f, apiKey));
      process.stdout.write(
        `W&B emulator listening at ${emulator.url} (entity "${f.entity}")\n` +
          `export WANDB_BASE_URL=${emulator.url}\n` +
          `export WANDB_API_KEY=${apiKey}\n`,
      );
      await waitForShutdownSignal();
      await emulator.close();
    });
}
