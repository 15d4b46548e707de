import { Command, Option } from 'commander';
import type { OpenAIEmulatorOptions } from '../../emulators/openai/index.js';
import { UserError } from '../userError.js';
import { emulateTogetherCommand } from './emulateTogether.js';
import { emulateWandbCommand } from './emulateWandb.js';
import { numberIn, port, rate } from '../numberOption.js';
import { waitForShutdownSignal } from '../../shutdown.js';

interface OpenAIFlags {
  flavor: 'openai' | 'azure';
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
  // Azure flavour only (ignored by the OpenAI flavour).
  pendingSeconds: number;
  armToken?: string;
  deploymentCreatingSeconds: number;
  deploymentNotReadySeconds: number;
  azureUploads: boolean;
  echoMetadata: boolean;
  listOrder: 'newest-first' | 'oldest-first';
}

const seconds = numberIn(0, 86_400);

/** The Azure flavour's settings from the flags (the flags keep its defaults). */
function azureOptions(f: OpenAIFlags): OpenAIEmulatorOptions['azure'] {
  return {
    armToken: f.armToken,
    uploads: f.azureUploads,
    echoMetadata: f.echoMetadata,
    listOrder: f.listOrder,
    deployments: {
      creatingMs: f.deploymentCreatingSeconds * 1000,
      notReadyMs: f.deploymentNotReadySeconds * 1000,
    },
  };
}

export function toEmulatorOptions(f: OpenAIFlags): OpenAIEmulatorOptions {
  if (Boolean(f.webhookUrl) !== Boolean(f.webhookSecret)) {
    throw new UserError(
      '--webhook-url and --webhook-secret go together: give both (the secret looks like whsec_…), or neither.',
    );
  }
  const faulty = f.rate429 > 0 || f.rate5xx > 0 || f.latencyMs > 0;
  const azure = f.flavor === 'azure';
  return {
    flavor: f.flavor,
    ...(azure ? { azure: azureOptions(f) } : {}),
    host: f.host,
    port: f.port,
    apiKey: f.apiKey,
    durations: {
      ...(azure ? { pendingMs: f.pendingSeconds * 1000 } : {}),
      validatingMs: f.validatingSeconds * 1000,
      queuedMs: f.queuedSeconds * 1000,
      runningMs: f.runningSeconds * 1000,
    },
    steps: f.steps,
    // Azure serves results as plain CSV; base64 is OpenAI's quirk.
    resultsBase64: azure ? false : f.base64Results,
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
      'Serve a local OpenAI Files/Uploads/fine-tuning API for the openai client (baseURL <url>/v1); --flavor azure serves Azure OpenAI (baseURL <url>/openai/v1) and its ARM deployments',
    )
    .addOption(
      new Option('--flavor <name>', 'which service to emulate')
        .choices(['openai', 'azure'])
        .default('openai'),
    )
    .option('--host <ip>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', port, 8790)
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
    .option('--pending-seconds <s>', '(azure) time a job spends pending', seconds, 0.5)
    .option(
      '--arm-token <token>',
      '(azure) the only bearer token ARM accepts (default: any but the API key)',
    )
    .option(
      '--deployment-creating-seconds <s>',
      '(azure) time a deployment shows Creating',
      seconds,
      1.5,
    )
    .option(
      '--deployment-not-ready-seconds <s>',
      '(azure) time a Succeeded deployment still answers DeploymentNotReady',
      seconds,
      0.5,
    )
    .option('--azure-uploads', '(azure) serve the Uploads API (default: 404, as spec-v1)', false)
    .option('--no-echo-metadata', '(azure) answer job metadata as null')
    .addOption(
      new Option('--list-order <order>', '(azure) order of job and event lists')
        .choices(['newest-first', 'oldest-first'])
        .default('newest-first'),
    )
    .action(async (f: OpenAIFlags) => {
      const options = toEmulatorOptions(f);
      // Loaded only when this command runs: the emulator pulls in fastify and its plugins.
      const { startOpenAIEmulator } = await import('../../emulators/openai/index.js');
      const emulator = await startOpenAIEmulator(options);
      process.stdout.write(
        emulator.flavor === 'azure'
          ? `Azure OpenAI emulator listening; use baseURL ${emulator.baseURL} (ARM: ${emulator.url}/subscriptions/…)\n`
          : `OpenAI emulator listening; use baseURL ${emulator.baseURL}\n`,
      );
      await waitForShutdownSignal();
      await emulator.close();
    });
}

/** `finetune emulate <service>`: local stand-ins for the services the pipeline talks to. */
export function emulateCommand(): Command {
  return new Command('emulate')
    .description('Run a local emulator of an external service (for sandboxes and tests)')
    .addCommand(openaiCommand())
    .addCommand(emulateTogetherCommand())
    .addCommand(emulateWandbCommand());
}
