import { Command, Option } from 'commander';
import type {
  TogetherEmulatorOptions,
  TogetherFaultOptions,
} from '../../emulators/together/index.js';
import { numberIn, port, rate } from '../numberOption.js';
import { waitForShutdownSignal } from '../../shutdown.js';

interface TogetherFlags {
  host: string;
  port: number;
  apiKey?: string;
  timeScale: number;
  steps: number;
  endpointStartMinutes: number;
  v1Create: 'retired' | 'available';
  serverlessLora: boolean;
  creditLimit: number;
  spendingLimitReached: boolean;
  dedupeUploads: boolean;
  failTraining: boolean;
  failEndpointStart: boolean;
  rate429: number;
  rate5xx: number;
  rate503: number;
  loseCreateAnswers: number;
  latencyMs: number;
  seed?: number;
}

/** Where a create lands: jobs, v1 endpoints, v2 endpoints and deployments. */
const CREATE_PATHS =
  /^\/(v1\/fine-tunes|v1\/endpoints|v2\/projects\/[^/]+\/endpoints(\/[^/]+\/deployments)?)$/;

export function toTogetherEmulatorOptions(f: TogetherFlags): TogetherEmulatorOptions {
  const faults: TogetherFaultOptions = {
    rate429: f.rate429,
    rate5xx: f.rate5xx,
    rate503: f.rate503,
    latencyMs: f.latencyMs,
  };
  const faulty = f.rate429 > 0 || f.rate5xx > 0 || f.rate503 > 0 || f.latencyMs > 0;
  if (f.loseCreateAnswers > 0) {
    // Losing answers applies to creates only; the other faults then apply to creates only too.
    Object.assign(faults, {
      rateLoseAnswer: f.loseCreateAnswers,
      onlyPaths: CREATE_PATHS,
      onlyMethods: ['POST'],
    });
  }
  return {
    host: f.host,
    port: f.port,
    apiKey: f.apiKey,
    timeScale: f.timeScale,
    steps: f.steps,
    durations: { endpointStartMs: f.endpointStartMinutes * 60_000 },
    creditLimitDollars: f.creditLimit,
    spendingLimitReached: f.spendingLimitReached,
    dedupeUploadsByChecksum: f.dedupeUploads,
    ...(f.failTraining ? { failTraining: () => true } : {}),
    serving: {
      v1Create: f.v1Create,
      serverlessLoRA: f.serverlessLora,
      ...(f.failEndpointStart ? { failStart: () => true } : {}),
    },
    ...(faulty || f.loseCreateAnswers > 0 ? { faults } : {}),
    seed: f.seed,
  };
}

/** `finetune emulate together`: a local Together AI (fine-tuning, serving, chat) for the together-ai client. */
export function emulateTogetherCommand(): Command {
  return new Command('together')
    .description(
      'Serve a local Together AI API (files, fine-tunes, dedicated endpoints, chat) for the together-ai client (baseURL <url>/v1; beta calls <url>/v2)',
    )
    .option('--host <ip>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', port, 8792)
    .option('--api-key <key>', 'accept only this bearer key (default: any non-empty key)')
    .option(
      '--time-scale <k>',
      'provider seconds per real second (a ten-minute job trains in 6 s at 100)',
      numberIn(1, 1_000_000),
      100,
    )
    .option('--steps <n>', 'training steps reported per job', numberIn(1, 100_000, true), 60)
    .option(
      '--endpoint-start-minutes <m>',
      'provider minutes a dedicated endpoint takes to start',
      numberIn(0, 24 * 60),
      5,
    )
    .addOption(
      new Option(
        '--v1-create <mode>',
        'v1 POST /endpoints: retired (403, as in late 2026) or available',
      )
        .choices(['retired', 'available'])
        .default('retired'),
    )
    .option(
      '--serverless-lora',
      'completed LoRA fine-tunes answer chat without a deployment',
      false,
    )
    .option(
      '--credit-limit <dollars>',
      'the credit limit estimates compare against',
      numberIn(0, 1e9),
      100,
    )
    .option('--spending-limit-reached', 'answer billable calls 402', false)
    .option(
      '--dedupe-uploads',
      'answer 409 {file_id} to an upload whose checksum is already here',
      false,
    )
    .option('--fail-training', 'every job fails part-way (status error)', false)
    .option('--fail-endpoint-start', 'every endpoint and deployment fails to start', false)
    .option('--rate-429 <rate>', 'share of requests answered 429 with retry-after (0–1)', rate, 0)
    .option('--rate-5xx <rate>', 'share of requests answered 500 (0–1)', rate, 0)
    .option(
      '--rate-503 <rate>',
      'share of requests answered 503, a capacity shortfall (0–1)',
      rate,
      0,
    )
    .option(
      '--lose-create-answers <rate>',
      'share of creates (jobs, endpoints, deployments) done but answered by a dropped connection (0–1)',
      rate,
      0,
    )
    .option('--latency-ms <n>', 'extra delay on every request', numberIn(0, 600_000, true), 0)
    .option('--seed <n>', 'repeatable ids and fault injection', numberIn(0, 2 ** 32 - 1, true))
    .action(async (f: TogetherFlags) => {
      // Loaded only when this command runs: the emulator pulls in fastify and its plugins.
      const { startTogetherEmulator } = await import('../../emulators/together/index.js');
      const emulator = await startTogetherEmulator(toTogetherEmulatorOptions(f));
      process.stdout.write(
        `Together emulator listening; use baseURL ${emulator.baseURL} (beta/v2 calls: ${emulator.url}/v2)\n` +
          `export TOGETHER_BASE_URL=${emulator.baseURL}\n` +
          `export TOGETHER_API_KEY=${f.apiKey ?? 'local-emulator'}\n` +
          `export TOGETHER_PROJECT_ID=${emulator.identity.projectId}\n`,
      );
      await waitForShutdownSignal();
      await emulator.close();
    });
}
