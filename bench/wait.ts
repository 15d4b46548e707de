// npm run bench:wait — how fast the workflow learns that a fine-tuning job ended, and how many
// OpenAI calls the waiting costs, for: webhooks delivered (the poll a sparse safety net), webhooks
// expected but all lost (the safety net's worst case), no webhooks (the adaptive poll alone), and
// a fixed 60-second polling loop (what WandbLogger does, per minute). Modes run one after another,
// so "--jobs 100" means 100 jobs in flight (--parallel runs them at once, as this bench used to).
//
// Time is compressed by --scale (default 60): a two-hour job runs for two minutes, and every wait
// policy interval is divided by the same factor, so call counts are those of a two-hour job and
// poll-driven latencies multiply back to real-world equivalents. Webhook latency is not scaled.
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { numberIn } from '../src/cli/numberOption.js';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import type { RunningOpenAIEmulator } from '../src/emulators/openai/index.js';
import { buildLocalStack } from '../src/localStack/index.js';
import { DEFAULT_WAIT_POLICY, type WaitPolicy } from '../src/shared/types.js';
import { awaitFineTuneJob, awaitWorkflowIdFor } from '../src/workflows/awaitFineTuneJob.js';
import { DEFAULT_SAFETY_NET_POLL_MS, DEFAULT_WATCH_POLL_MS } from '../src/workflows/waitPolicy.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';
import { formatMs, median, percentile } from './stats.js';

// The CLI's own option parsers (src/cli/numberOption.ts), so a bad number fails as it does there.
const args = new Command('bench:wait')
  .description('How fast and at what API cost the workflow learns that a fine-tuning job ended')
  .option('--jobs <n>', 'pipelines per mode', numberIn(1, 1000, true), 10)
  .option('--scale <k>', 'time compression: real-world time ÷ bench time', numberIn(1, 3600), 60)
  .option('--job-minutes <m>', "the job's real-world training time", numberIn(1, 10_080), 120)
  .option('--parallel', 'run all modes at once (jobs × modes in flight)', false)
  .parse()
  .opts<{ jobs: number; scale: number; jobMinutes: number; parallel: boolean }>();
const N = args.jobs;
const SCALE = args.scale;
const JOB_MS = (args.jobMinutes * 60_000) / SCALE;
const KEY = 'sk-bench';

interface Mode {
  name: string;
  webhooks: boolean;
  policy: WaitPolicy;
  /** Poll-driven latency scales with time compression; webhook delivery does not. */
  latencyScales: boolean;
}

const scaled = (ms: number) => Math.max(1, Math.round(ms / SCALE));
/** The default adaptive policy with every interval time-compressed. */
const adaptive: WaitPolicy = {
  ...DEFAULT_WAIT_POLICY,
  minPollMs: scaled(DEFAULT_WAIT_POLICY.minPollMs),
  maxPollMs: scaled(DEFAULT_WAIT_POLICY.maxPollMs),
};
/** What a deployment with a webhook receiver sets (`wait: { webhooks: true }`). */
const withWebhooks: WaitPolicy = {
  ...adaptive,
  webhooks: true,
  safetyNetPollMs: scaled(DEFAULT_SAFETY_NET_POLL_MS),
  watchPollMs: scaled(DEFAULT_WATCH_POLL_MS),
};
const MODES: Mode[] = [
  {
    name: 'webhooks on (sparse safety-net poll)',
    webhooks: true,
    policy: withWebhooks,
    latencyScales: false,
  },
  {
    name: 'webhooks expected, all lost (safety net only)',
    webhooks: false,
    policy: withWebhooks,
    latencyScales: true,
  },
  {
    name: 'no webhooks (adaptive poll only)',
    webhooks: false,
    policy: adaptive,
    latencyScales: true,
  },
  {
    name: 'fixed 60 s polling loop',
    webhooks: false,
    policy: {
      mode: 'fixed',
      fixedIntervalMs: scaled(60_000),
      minPollMs: scaled(60_000),
      maxPollMs: scaled(60_000),
    },
    latencyScales: true,
  },
];

interface ModeResult {
  mode: Mode;
  latenciesMs: number[];
  callsPerJob: number;
  failures: number;
}

const WAIT_ROUTES = [
  'GET /v1/fine_tuning/jobs/:fine_tuning_job_id',
  'GET /v1/fine_tuning/jobs/:fine_tuning_job_id/events',
];
function waitCalls(emu: RunningOpenAIEmulator): number {
  const r = emu.stats().requests;
  return WAIT_ROUTES.reduce((sum, route) => sum + (r[route] ?? 0), 0);
}

/** One mode on the shared dev server: an emulator, its webhook receiver and a worker of its own. */
async function runMode(mode: Mode, address: string): Promise<ModeResult> {
  const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
  const stack = await buildLocalStack({
    temporal: { address },
    webhooks: { delivery: { dropRate: mode.webhooks ? 0 : 1 } },
    openai: {
      apiKey: KEY,
      durations: {
        validatingMs: scaled(2 * 60_000),
        queuedMs: scaled(5 * 60_000),
        runningMs: JOB_MS,
      },
      steps: 100,
    },
    worker: { taskQueue },
  });
  const { client } = stack;
  const emu = stack.openai!;
  try {
    const started = await Promise.all(
      Array.from({ length: N }, () =>
        startFineTunePipeline(client, sampleInput(mode.policy), { taskQueue }),
      ),
    );
    const latenciesMs: number[] = [];
    let failures = 0;
    await Promise.all(
      started.map(async (s) => {
        try {
          const result = await s.handle.result();
          // The wait's own result and close time: no query, so an overloaded worker (which
          // answers queries) cannot fail the measurement.
          const waitHandle = client.workflow.getHandle<typeof awaitFineTuneJob>(
            awaitWorkflowIdFor(result.jobId),
          );
          const waited = await waitHandle.result();
          // The wait returns in the workflow task that saw the end: its close time is when the
          // workflow knew (a local activity's result does not move the workflow clock).
          const closedAt = (await waitHandle.describe()).closeTime?.getTime();
          const terminalAt = emu.jobTimeline(result.jobId)?.terminalAtMs;
          if (terminalAt !== undefined && closedAt !== undefined)
            latenciesMs.push(Math.max(0, Math.max(closedAt, waited.detectedAtMs) - terminalAt));
        } catch (err) {
          if (failures++ === 0) console.error(`${mode.name}: first failure:`, err);
        }
      }),
    );
    return { mode, latenciesMs, callsPerJob: waitCalls(emu) / N, failures };
  } finally {
    await stack.stop();
  }
}

function report(results: ModeResult[]): void {
  console.log(
    `\nbench:wait — ${N} pipelines per mode${args.parallel ? ', all modes at once' : ', one mode at a time'}, a ${args.jobMinutes}-minute job compressed ${SCALE}x (${formatMs(JOB_MS)} of running)\n`,
  );
  const header = [
    'mode',
    'median',
    'p99',
    'real-world median',
    'real-world p99',
    'API calls/job while waiting',
  ];
  const rows = results.map((r) => {
    const med = median(r.latenciesMs);
    const p99 = percentile(r.latenciesMs, 99);
    const k = r.mode.latencyScales ? SCALE : 1;
    return [
      r.mode.name + (r.failures ? ` (${r.failures} failed)` : ''),
      formatMs(med),
      formatMs(p99),
      formatMs(med * k),
      formatMs(p99 * k),
      r.callsPerJob.toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(
    '\nlatency = job reached a terminal status at OpenAI → the wait returned with it (its close time).',
  );
  console.log(
    'real-world = measured × scale for poll-driven modes; webhook delivery is not time-compressed.',
  );
}

async function main() {
  const base = await buildLocalStack({ sdkLogs: 'silent', temporal: { start: {} } });
  try {
    const address = base.temporal.address;
    const results: ModeResult[] = [];
    if (args.parallel) results.push(...(await Promise.all(MODES.map((m) => runMode(m, address)))));
    else for (const m of MODES) results.push(await runMode(m, address));
    report(results);
  } finally {
    await base.stop();
  }
}

await main();
