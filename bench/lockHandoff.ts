// npm run bench:lock — N promotions of one collection approved at once: how long until all are
// done, and how long the alias lock (the `alias-move/…` child, one run at a time) sat free while
// promotions were queued for it. A benchmark that prints figures, not a test: CI does not run it.
import { Command } from 'commander';
import { numberIn } from '../src/cli/numberOption.js';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { buildLocalStack } from '../src/localStack/index.js';
import { setDefaultLogLevel } from '../src/logging.js';
import { approvePromotionSignal, progressQuery } from '../src/workflows/definitions.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

const args = new Command('bench:lock')
  .description('N promotions approved at once: total time and the alias lock idle time')
  .option('--promotions <n>', 'pipelines approved at once', numberIn(2, 100, true), 10)
  .option(
    '--latency-ms <ms>',
    'added to every W&B GraphQL call while they promote (sizes one move at about a second)',
    numberIn(0, 5000, true),
    60,
  )
  .parse()
  .opts<{ promotions: number; latencyMs: number }>();

const TASK_QUEUE = 'bench-lock';
const WANDB_KEY = 'local-bench00000000000000000000000000000000';

async function until(what: string, f: () => Promise<boolean>, ms = 600_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  setDefaultLogLevel('warn');
  const stack = await buildLocalStack({
    sdkLogs: 'silent',
    temporal: { start: {} },
    webhooks: {},
    openai: {
      apiKey: 'sk-bench',
      durations: { validatingMs: 300, queuedMs: 300, runningMs: 2000 },
      steps: 10,
    },
    wandb: { emulator: { apiKeys: [WANDB_KEY], defaultEntity: 'bench' } },
    worker: { taskQueue: TASK_QUEUE },
  });
  try {
    const project = `lock-${Date.now()}`;
    const fast = { minPollMs: 300, maxPollMs: 2000 };
    const off = { pii: 'off', tokenLimit: 'off', drift: 'off', eval: 'off' } as const;
    const pipelines = await Promise.all(
      Array.from({ length: args.promotions }, (_, i) =>
        startFineTunePipeline(
          stack.client,
          sampleInput(fast, {
            suffix: `lock-${i}`,
            wandb: { project },
            promotion: { gates: off },
          }),
          { taskQueue: TASK_QUEUE },
        ),
      ),
    );
    await until('every pipeline to await approval', async () => {
      const stages = await Promise.all(
        pipelines.map(async (p) => (await p.handle.query(progressQuery)).stage),
      );
      return stages.every((s) => s === 'awaiting_approval');
    });

    // One move alone, for scale: the first approval runs with the lock to itself.
    stack.wandb!.emulator!.setFaults({ latencyMs: args.latencyMs, onlyPaths: /graphql/ });
    const t0 = Date.now();
    await Promise.all(
      pipelines.map((p) => p.handle.signal(approvePromotionSignal, { by: 'bench' })),
    );
    const done = await Promise.all(pipelines.map((p) => p.handle.result().then(() => Date.now())));
    const total = Math.max(...done) - t0;
    stack.wandb!.emulator!.setFaults(undefined);

    const lockId = `alias-move/bench/${project}/model-metadata/production`;
    const runs: { start: number; close: number }[] = [];
    for await (const w of stack.client.workflow.list({ query: `WorkflowId = "${lockId}"` })) {
      if (w.closeTime) runs.push({ start: w.startTime.getTime(), close: w.closeTime.getTime() });
    }
    runs.sort((a, b) => a.start - b.start);
    if (runs.length !== args.promotions) {
      throw new Error(`expected ${args.promotions} lock runs, found ${runs.length}`);
    }
    const held = runs.reduce((s, r) => s + (r.close - r.start), 0);
    const gaps = runs.slice(1).map((r, i) => r.start - runs[i]!.close);
    const idle = gaps.reduce((s, g) => s + g, 0);
    const holds = runs.map((r) => r.close - r.start).sort((a, b) => a - b);
    console.log(
      [
        `promotions approved at once   ${args.promotions} (W&B latency ${args.latencyMs} ms a call)`,
        `total, approval → last done   ${seconds(total)}`,
        `lock held (sum of moves)      ${seconds(held)}  (one move: median ${seconds(holds[Math.floor(holds.length / 2)]!)}, max ${seconds(holds[holds.length - 1]!)})`,
        `lock idle between moves       ${seconds(idle)}  (largest gap ${seconds(Math.max(...gaps))})`,
        `first move started after      ${seconds(runs[0]!.start - t0)}`,
      ].join('\n'),
    );
  } finally {
    await stack.stop();
  }
}

await main();
