// npm run bench:wandb-outage — N pipelines whose jobs end at the provider while W&B is down (every
// request answered 503): how many leave `training` for `succeeded` (with the model id) before W&B
// comes back, how long after the job's end, and whether the W&B sync then catches up with nothing
// lost or duplicated. Optionally the worker is stopped and restarted in the middle of the outage, and
// the Temporal server SIGKILLed and started again on its SQLite file.
// A benchmark that prints figures, not a test: CI does not run it.
import { Command } from 'commander';
import { numberIn } from '../src/cli/numberOption.js';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLocalStack } from '../src/localStack/index.js';
import { setDefaultLogLevel } from '../src/logging.js';
import { startDevServer, type DevServer } from '../src/temporal/devServer.js';
import { freePort } from '../src/temporal/freePort.js';
import { FineTuneStage, FineTunedModel } from '../src/shared/searchAttributes.js';
import { progressQuery } from '../src/workflows/definitions.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';
import { percentile } from './stats.js';

const args = new Command('bench:wandb-outage')
  .description(
    'Jobs that end while W&B is down: does the pipeline say succeeded before it returns?',
  )
  .option(
    '--pipelines <n>',
    'pipelines, all training when W&B goes down',
    numberIn(1, 500, true),
    20,
  )
  .option('--outage-seconds <s>', 'how long W&B answers 503', numberIn(10, 3600, true), 120)
  .option(
    '--train-seconds <s>',
    'each job trains this long (ends inside the outage)',
    numberIn(5, 3600, true),
    30,
  )
  .option('--restart-worker', 'stop the worker 10 s into the outage, start it again 10 s later')
  .option(
    '--kill-server',
    'SIGKILL the Temporal server 30 s into the outage, start it again on its database 10 s later',
  )
  .option('--healthy', 'the same without the outage: the baseline for the figures')
  .parse()
  .opts<{
    pipelines: number;
    outageSeconds: number;
    trainSeconds: number;
    restartWorker?: boolean;
    killServer?: boolean;
    healthy?: boolean;
  }>();

const STEPS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tracked {
  handle: Awaited<ReturnType<typeof startFineTunePipeline>>['handle'];
  project: string;
  jobId?: string;
  /** Real clock: when this side saw the stage `succeeded` with the model id set. */
  succeededSeenAt?: number;
}

async function main(): Promise<void> {
  setDefaultLogLevel('error');
  const outageMs = args.outageSeconds * 1000;
  // The server is ours (not the stack's) so it can be killed and started again on the same port and
  // SQLite file; the stack's client and worker reconnect on their own.
  const dbDir = mkdtempSync(join(tmpdir(), 'bench-outage-'));
  const serverOptions = {
    port: await freePort(),
    dbFile: join(dbDir, 'temporal.db'),
    startTimeoutMs: 90_000,
  };
  let server: DevServer = await startDevServer(serverOptions);
  const stack = await buildLocalStack({
    sdkLogs: 'silent',
    temporal: { address: server.address, namespace: server.namespace },
    webhooks: {},
    openai: {
      apiKey: 'sk-bench',
      durations: { validatingMs: 1000, queuedMs: 1000, runningMs: args.trainSeconds * 1000 },
      steps: STEPS,
    },
    wandb: { emulator: { defaultEntity: 'bench' } },
    worker: { taskQueue: 'bench-outage' },
  });
  const wandb = stack.wandb!.emulator!;
  const openai = stack.openai!;
  try {
    const tracked: Tracked[] = [];
    for (let i = 0; i < args.pipelines; i++) {
      const project = `outage-${i}`;
      const started = await startFineTunePipeline(
        stack.client,
        sampleInput({}, { suffix: `outage-${i}`, wandb: { project }, promotion: false }),
        { taskQueue: 'bench-outage' },
      );
      tracked.push({ handle: started.handle, project });
    }
    // Every pipeline training, its run open, before W&B goes down.
    for (const t of tracked) {
      for (;;) {
        const p = await t.handle.query(progressQuery).catch(() => undefined);
        if (p?.stage === 'training' && p.wandb?.runPath) {
          t.jobId = p.jobId;
          break;
        }
        await sleep(200);
      }
    }
    const downAt = Date.now();
    if (!args.healthy) wandb.setFaults({ rate5xx: 1 });
    const how = args.healthy ? 'up (the baseline)' : 'down';
    console.log(
      `W&B ${how} at +0 s for ${args.outageSeconds} s; ${tracked.length} pipelines training`,
    );
    const restart = args.restartWorker
      ? (async () => {
          await sleep(10_000);
          await stack.worker!.stop();
          console.log(`worker stopped at +${((Date.now() - downAt) / 1000).toFixed(0)} s`);
          await sleep(10_000);
          await stack.worker!.start();
          console.log(`worker started at +${((Date.now() - downAt) / 1000).toFixed(0)} s`);
        })()
      : Promise.resolve();
    const killServer = args.killServer
      ? (async () => {
          await sleep(30_000); // after the worker's restart, which needs a server to connect to
          await server.kill();
          console.log(
            `Temporal server SIGKILLed at +${((Date.now() - downAt) / 1000).toFixed(0)} s`,
          );
          await sleep(10_000);
          server = await startDevServer(serverOptions);
          console.log(
            `Temporal server up again at +${((Date.now() - downAt) / 1000).toFixed(0)} s`,
          );
        })()
      : Promise.resolve();
    while (Date.now() - downAt < outageMs) {
      await Promise.all(
        tracked
          .filter((t) => !t.succeededSeenAt)
          .map(async (t) => {
            const d = await t.handle.describe().catch(() => undefined);
            const sa = d?.typedSearchAttributes;
            if (sa?.get(FineTuneStage) === 'succeeded' && sa.get(FineTunedModel)) {
              t.succeededSeenAt = Date.now();
            }
          }),
      );
      await sleep(500);
    }
    await restart;
    await killServer;
    const upAt = Date.now();
    wandb.setFaults(undefined);
    const refused = wandb.state.stats().faultsInjected;

    const endedInOutage = tracked.filter((t) => {
      const end = openai.jobTimeline(t.jobId!)?.terminalAtMs;
      return end !== undefined && end >= downAt && end < upAt;
    });
    const left = endedInOutage.filter((t) => t.succeededSeenAt !== undefined);
    const lags = left.map((t) => t.succeededSeenAt! - openai.jobTimeline(t.jobId!)!.terminalAtMs!);

    const results = await Promise.all(tracked.map((t) => t.handle.result()));
    const allDoneAt = Date.now();
    let runsComplete = 0;
    for (const [i, t] of tracked.entries()) {
      const run = wandb.state.run('bench', t.project, t.jobId!);
      const models = wandb.state.artifactVersions('bench', t.project, 'model-metadata');
      const ok =
        run?.state === 'finished' &&
        run.history.length === STEPS &&
        models.length === 1 &&
        results[i]!.wandb.errors.length === 0;
      if (ok) runsComplete++;
    }

    const window = args.healthy ? 'the window' : 'the outage';
    console.log(`W&B refused ${refused} requests during ${window}`);
    console.log(
      `jobs that ended during ${window}: ${endedInOutage.length}/${tracked.length}; ` +
        `showed succeeded (model id set) before its end: ${left.length}/${endedInOutage.length}`,
    );
    if (lags.length) {
      console.log(
        `job end → succeeded seen (polled every 0.5 s): median ${percentile(lags, 50)} ms, ` +
          `p95 ${percentile(lags, 95)} ms, max ${Math.max(...lags)} ms`,
      );
    }
    console.log(
      `after W&B came back: every pipeline done in ${((allDoneAt - upAt) / 1000).toFixed(1)} s; ` +
        `runs finished with ${STEPS} history lines and one model version, no W&B error: ` +
        `${runsComplete}/${tracked.length}`,
    );
  } finally {
    await stack.stop();
    await server.stop();
    rmSync(dbDir, { recursive: true, force: true });
  }
}

await main();
