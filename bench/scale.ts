// npm run bench:scale — many pipelines waiting at once on one worker: does the worker's memory
// stay bounded, what does it cost in CPU and provider calls, and how quickly do they all finish.
// The worker is the plain `finetune worker` command, as a user runs it, configured by its
// environment (FINETUNE_MAX_CACHED_WORKFLOWS & co. set in this shell reach it; NODE_OPTIONS and
// MALLOC_ARENA_MAX do not: the command applies its own memory settings). The dev server, the
// emulators and the starting client live elsewhere, so the RSS and CPU measured are the command's
// own (/proc, the command and the worker process it runs).
// A benchmark that prints figures, not a test: CI does not run it.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { numberIn } from '../src/cli/numberOption.js';
import { readWorkerEnv } from '../src/config.js';
import { buildLocalStack } from '../src/localStack/index.js';
import { setDefaultLogLevel } from '../src/logging.js';
import { workerTuning } from '../src/worker/tuning.js';
import {
  DEFAULT_WORKER_MALLOC_ARENA_MAX,
  DEFAULT_WORKER_NODE_OPTIONS,
} from '../src/worker/memory.js';
import { buildForBench, type BenchBuild } from './buildForBench.js';
import { findChild } from './procStats.js';
import { printScaleReport } from './scaleReport.js';
import { runScale, type ScaleResult } from './scaleRun.js';
import { killWorkers, type WorkerLaunch } from './workerProcess.js';

const ROOT = join(import.meta.dirname, '..');

// The CLI's own option parsers (src/cli/numberOption.ts), so a bad number fails as it does there.
const args = new Command('bench:scale')
  .description('N pipelines waiting at once on one worker: memory, CPU, latency, provider calls')
  .option('--pipelines <n>', 'pipelines per run', numberIn(1, 20_000, true), 1000)
  .option('--train-seconds <s>', "each job's training time", numberIn(10, 86_400, true), 300)
  .addOption(
    new Option('--wandb <mode>', 'W&B on, off, or a run of each')
      .choices(['on', 'off', 'both'])
      .default('both'),
  )
  .option('--measure-wait', 'stop once the wait is measured, without waiting for the pipelines')
  .option(
    '--wait-window <s>',
    'seconds of RSS sampling while all wait',
    numberIn(5, 3600, true),
    30,
  )
  .option(
    '--start-concurrency <n>',
    'pipeline starts in flight at once',
    numberIn(1, 500, true),
    20,
  )
  .option(
    '--history-sample <n>',
    'pipelines whose histories give the task latency',
    numberIn(0, 5000, true),
    100,
  )
  .addOption(
    new Option('--worker <from>', 'run `finetune worker` from the checkout (tsx) or from a build')
      .choices(['build', 'source'])
      .default('build'),
  )
  .option(
    '--provider-rps <n>',
    "the worker's FINETUNE_PROVIDER_MAX_RPS (the emulator has no rate limit; default: the environment's, else 500)",
    numberIn(1, 100_000),
    Number(process.env.FINETUNE_PROVIDER_MAX_RPS) || 500,
  )
  .option(
    '--worker-node-options <opts>',
    `FINETUNE_WORKER_NODE_OPTIONS for the command ("" turns the heap cap off; default: the command's, ${DEFAULT_WORKER_NODE_OPTIONS})`,
  )
  .option(
    '--worker-malloc-arenas <n>',
    `FINETUNE_WORKER_MALLOC_ARENA_MAX for the command ("" for glibc's default; default: the command's, ${DEFAULT_WORKER_MALLOC_ARENA_MAX})`,
  )
  .option('--db-file <path>', "the dev server's SQLite file (default: in memory)")
  .parse()
  .opts<{
    pipelines: number;
    trainSeconds: number;
    wandb: 'on' | 'off' | 'both';
    measureWait?: boolean;
    waitWindow: number;
    startConcurrency: number;
    historySample: number;
    worker: 'build' | 'source';
    providerRps: number;
    workerNodeOptions?: string;
    workerMallocArenas?: string;
    dbFile?: string;
  }>();

/** A setting as the report prints it: the given value, or the command's default. */
const quoted = (given: string | undefined, fallback: string) =>
  given === undefined ? `default ("${fallback}")` : `"${given}"`;

async function main() {
  setDefaultLogLevel('warn'); // a webhook receiver line per job would bury the progress lines
  // The settings the worker will read from this environment (and a clear error if they are bad).
  const tuning = workerTuning(readWorkerEnv({ ...process.env, OPENAI_API_KEY: 'sk-bench' }));
  let build: BenchBuild | undefined;
  let launch: WorkerLaunch = { from: 'source', root: ROOT };
  if (args.worker === 'build') {
    build = buildForBench(ROOT);
    launch = { from: 'build', entry: build.cliEntry };
  }
  const base = await buildLocalStack({
    sdkLogs: 'silent',
    temporal: {
      start: { startTimeoutMs: 90_000, ...(args.dbFile ? { dbFile: args.dbFile } : {}) },
    },
  });
  const results: ScaleResult[] = [];
  // Interrupted (Ctrl-C): no worker or dev server is left running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      killWorkers();
      build?.remove();
      void base.stop().finally(() => process.exit(130));
    });
  try {
    const modes = args.wandb === 'both' ? [true, false] : [args.wandb === 'on'];
    for (const wandb of modes) {
      results.push(
        await runScale({
          pipelines: args.pipelines,
          trainSeconds: args.trainSeconds,
          wandb,
          measureWaitOnly: args.measureWait === true,
          waitWindowSeconds: args.waitWindow,
          startConcurrency: args.startConcurrency,
          historySample: args.historySample,
          providerRps: args.providerRps,
          workerNodeOptions: args.workerNodeOptions,
          workerMallocArenas: args.workerMallocArenas,
          temporalAddress: base.temporal.address,
          devServerPid: findChild(process.pid, 'temporal'),
          launch,
        }),
      );
    }
  } finally {
    await base.stop();
    build?.remove();
  }
  printScaleReport(
    results,
    `bench:scale — ${args.pipelines} pipelines, ${args.trainSeconds} s of training each, one worker: ` +
      `the plain \`finetune worker\` (${args.worker === 'build' ? 'the build, plain node' : 'the checkout, through tsx'}; ` +
      `cache ${tuning.maxCachedWorkflows} runs, ${tuning.maxConcurrentWorkflowTaskExecutions} workflow tasks, ` +
      `${tuning.maxConcurrentActivityTaskExecutions} activities, provider limit ${args.providerRps} req/s), ` +
      `FINETUNE_WORKER_NODE_OPTIONS ${quoted(args.workerNodeOptions, DEFAULT_WORKER_NODE_OPTIONS)}, ` +
      `FINETUNE_WORKER_MALLOC_ARENA_MAX ${quoted(args.workerMallocArenas, DEFAULT_WORKER_MALLOC_ARENA_MAX)}, ` +
      `dev server ${args.dbFile ? 'on SQLite' : 'in memory'}`,
  );
}

await main();
