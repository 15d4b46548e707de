import { Command } from 'commander';
import { startOpenAIEmulator, type OpenAIEmulatorOptions } from '../../emulators/openai/index.js';
import { UserError } from '../userError.js';
import { emulateWandbCommand } from './emulateWandb.js';
import { numberIn, rate } from '../numberOption.js';

interface OpenAIFlags {
  host: string;
  port: number;
  apiKey?: string;
  validatingSeconds: number;
  queuedSeconds: number;
  runningSeconds: number;
  steps: number;
  webhookUrl?: string;
  webhookSecret?: string;
  dropWebhooks: number;
  duplicateWebhooks: number;
  rate429: number;
  rate5xx: number;
  latencyMs: number;
  base64Results: boolean;
  trainingNotAvailable: boolean;
  seed?: number;
}

const seconds = numberIn(0, 86_400);

export function toEmulatorOptions(f: OpenAIFlags): OpenAIEmulatorOptions {
  if (Boolean(f.webhookUrl) !== Boolean(f.webhookSecret)) {
    throw new UserError(
      '--webhook-url and --webhook-secret go together: give both (the secret looks like whsec_…), or neither.',
    );
  }
  const faulty = f.rate429 > 0 || f.rate5xx > 0 || f.latencyMs > 0;
  return {
    host: f.host,
    port: f.port,
    apiKey: f.apiKey,
    durations: {
      validatingMs: f.validatingSeconds * 1000,
      queuedMs: f.queuedSeconds * 1000,
      runningMs: f.runningSeconds * 1000,
    },
    steps: f.steps,
    resultsBase64: f.base64Results,
    trainingNotAvailable: f.trainingNotAvailable,
    webhook:
      f.webhookUrl && f.webhookSecret
        ? {
            url: f.webhookUrl,
            secret: f.webhookSecret,
            dropRate: f.dropWebhooks,
            duplicateRate: f.duplicateWebhooks,
          }
        : undefined,
    faults: faulty ? { rate429: f.rate429, rate5xx: f.rate5xx, latencyMs: f.latencyMs } : undefined,
    seed: f.seed,
  };
}

function openaiCommand(): Command {
  return new Command('openai')
    .description(
      'Serve a local OpenAI Files/Uploads/fine-tuning API for the openai client (baseURL <url>/v1)',
    )
    .option('--host <ip>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', numberIn(0, 65_535, true), 8790)
    .option('--api-key <key>', 'accept only this bearer key (default: any non-empty key)')
    .option('--validating-seconds <s>', 'time a job spends validating files', seconds, 1)
    .option('--queued-seconds <s>', 'time a job spends queued', seconds, 1)
    .option('--running-seconds <s>', 'time a job spends training', seconds, 6)
    .option('--steps <n>', 'training steps reported per job', numberIn(1, 100_000, true), 60)
    .option('--webhook-url <url>', 'POST signed job webhooks here')
    .option('--webhook-secret <whsec>', 'signing secret for webhooks (whsec_…)')
    .option('--drop-webhooks <rate>', 'share of webhooks never delivered (0–1)', rate, 0)
    .option('--duplicate-webhooks <rate>', 'share of webhooks delivered twice (0–1)', rate, 0)
    .option('--rate-429 <rate>', 'share of requests answered 429 with retry-after (0–1)', rate, 0)
    .option('--rate-5xx <rate>', 'share of requests answered 500 (0–1)', rate, 0)
    .option('--latency-ms <n>', 'extra delay on every request', numberIn(0, 600_000, true), 0)
    .option('--no-base64-results', 'serve results files as plain CSV instead of base64')
    .option(
      '--training-not-available',
      'refuse job creation with 403 training_not_available',
      false,
    )
    .option('--seed <n>', 'repeatable ids and fault injection', numberIn(0, 2 ** 32 - 1, true))
    .action(async (f: OpenAIFlags) => {
      const emulator = await startOpenAIEmulator(toEmulatorOptions(f));
      process.stdout.write(`OpenAI emulator listening; use baseURL ${emulator.url}/v1\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void emulator.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/** `finetune emulate <service>`: local stand-ins for the services the pipeline talks to. */
export function emulateCommand(): Command {
  return new Command('emulate')
    .description('Run a local emulator of an external service (for sandboxes and tests)')
    .addCommand(openaiCommand())
    .addCommand(emulateWandbCommand());
}
