// npm run bench:wait — how fast the workflow learns that a fine-tuning job ended, and how many
// OpenAI calls the waiting costs, for: webhooks delivered (the poll a sparse safety net), webhooks
// expected but all lost (the safety net's worst case), no webhooks (the adaptive poll alone), and
// a fixed 60-second polling loop (a hand-written loop; WandbLogger's own polls every 10 s), and
// the same pipelines on Together AI (no webhooks; bench/waitTogether.ts, worker inline). Modes
// run one after another, so "--jobs 100" means 100 jobs in flight (--parallel runs them at once).
//
// Time is compressed by --scale (default 15): a two-hour job runs for eight minutes, and every
// wait policy interval is divided by the same factor, so call counts are those of a two-hour job
// and poll-driven latencies multiply back to real-world equivalents. Webhook latency is not
// scaled. The default keeps the shortest poll interval (15 s) at a second: the Temporal server
// fires a timer of less than a second only after about a second, so at --scale 60 every short
// poll near the estimate waited four times too long, a minute of "real" time.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import { numberIn } from '../src/cli/numberOption.js';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import type { RunningOpenAIEmulator } from '../src/emulators/openai/index.js';
import { buildLocalStack } from '../src/localStack/index.js';
import { setDefaultLogLevel } from '../src/logging.js';
import { DEFAULT_PROVIDER_MAX_RPS } from '../src/providers/rateLimit.js';
import { DEFAULT_WAIT_POLICY, type JobSnapshot, type WaitPolicy } from '../src/shared/types.js';
import { awaitFineTuneJob, awaitWorkflowIdFor } from '../src/workflows/awaitFineTuneJob.js';
import { DEFAULT_SAFETY_NET_POLL_MS, DEFAULT_WATCH_POLL_MS } from '../src/workflows/waitPolicy.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';
import { buildForBench, type BenchBuild } from './buildForBench.js';
import { runTogetherWait } from './waitTogether.js';
import { formatMs, median, percentile } from './stats.js';
import { killWorkers, spawnWorker, untilPolling, type WorkerLaunch } from './workerProcess.js';

const MODE_KEYS = ['webhooks', 'lost', 'adaptive', 'fixed', 'together'] as const;
type ModeKey = (typeof MODE_KEYS)[number];

// The CLI's own option parsers (src/cli/numberOption.ts), so a bad number fails as it does there.
const args = new Command('bench:wait')
  .description('How fast and at what API cost the workflow learns that a fine-tuning job ended')
  .option('--jobs <n>', 'pipelines per mode', numberIn(1, 1000, true), 10)
  .option(
    '--scale <k>',
    "time compression: real-world time ÷ bench time (above 15, poll timers fall under the server's one-second timer floor)",
    numberIn(1, 3600),
    15,
  )
  .option('--job-minutes <m>', "the job's real-world training time", numberIn(1, 10_080), 120)
  .option('--parallel', 'run all modes at once (jobs × modes in flight)', false)
  .option(
    '--start-spread <s>',
    'bench seconds over which the pipelines start, evenly (0: all at once, so their jobs end in one burst)',
    numberIn(0, 3600),
    0,
  )
  .option(
    '--modes <list>',
    `modes to run, comma-separated: ${MODE_KEYS.join(', ')}`,
    (raw: string) => {
      const keys = raw.split(',').map((k) => k.trim());
      const bad = keys.filter((k) => !(MODE_KEYS as readonly string[]).includes(k));
      if (bad.length)
        throw new Error(`unknown mode ${bad.join(', ')}: use ${MODE_KEYS.join(', ')}`);
      return keys as ModeKey[];
    },
    [...MODE_KEYS],
  )
  .option(
    '--provider-rps <n>',
    `the worker's provider rate limit (default ${DEFAULT_PROVIDER_MAX_RPS} req/s × --scale: the bench compresses time, so the budget per real-world second stays the default)`,
    numberIn(1, 1_000_000),
  )
  .option('--trace-slowest', "print the slowest wait's history, event by event", false)
  .addOption(
    new Option(
      '--worker <where>',
      'the worker in a process of its own (as in production) or in this one',
    )
      .choices(['process', 'inline'])
      .default('process'),
  )
  .parse()
  .opts<{
    jobs: number;
    scale: number;
    jobMinutes: number;
    parallel: boolean;
    modes: ModeKey[];
    startSpread: number;
    traceSlowest: boolean;
    providerRps?: number;
    worker: 'process' | 'inline';
  }>();
const N = args.jobs;
const SCALE = args.scale;
const JOB_MS = (args.jobMinutes * 60_000) / SCALE;
const KEY = 'sk-bench';
const PROVIDER_RPS = args.providerRps ?? DEFAULT_PROVIDER_MAX_RPS * SCALE;

interface Mode {
  key: ModeKey;
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
    key: 'webhooks',
    name: 'webhooks on (sparse safety-net poll)',
    webhooks: true,
    policy: withWebhooks,
    latencyScales: false,
  },
  {
    key: 'lost',
    name: 'webhooks expected, all lost (safety net only)',
    webhooks: false,
    policy: withWebhooks,
    latencyScales: true,
  },
  {
    key: 'adaptive',
    name: 'no webhooks (adaptive poll only)',
    webhooks: false,
    policy: adaptive,
    latencyScales: true,
  },
  {
    key: 'fixed',
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
  {
    key: 'together',
    name: 'Together AI (no webhooks: adaptive poll on its time to the next state)',
    webhooks: false,
    policy: adaptive,
    latencyScales: true,
  },
];

interface ModeResult {
  mode: Mode;
  latenciesMs: number[];
  /** Job ended → the webhook's signal in the wait's history (webhook mode). */
  toSignalMs: number[];
  /** That signal → the wait knew (its close). */
  signalToKnownMs: number[];
  /** That signal → the worker picked up the workflow task it scheduled. */
  signalToTaskMs: number[];
  /** That task, started → completed (the local activity's re-read included). */
  taskMs: number[];
  /** First job end → last job end (how much of a burst the ends were). */
  endsSpreadMs: number;
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

interface SignalTrace {
  /** The first webhook signal in the wait's history. */
  signalAt: number;
  /** The workflow task that handled it: picked up by the worker, and completed. */
  taskStartedAt?: number;
  taskCompletedAt?: number;
}

/** When the wait's history recorded the first webhook signal, and the task that handled it. */
async function traceSignal(client: Client, workflowId: string): Promise<SignalTrace | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const at = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    t?.seconds != null ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined;
  let trace: SignalTrace | undefined;
  for (const e of history.events ?? []) {
    if (!trace) {
      const attrs = e.workflowExecutionSignaledEventAttributes;
      const signalAt = at(e.eventTime);
      if (attrs?.signalName === 'jobEvent' && signalAt !== undefined) trace = { signalAt };
      continue;
    }
    if (e.workflowTaskStartedEventAttributes && trace.taskStartedAt === undefined)
      trace.taskStartedAt = at(e.eventTime);
    else if (e.workflowTaskCompletedEventAttributes && trace.taskStartedAt !== undefined) {
      trace.taskCompletedAt = at(e.eventTime);
      break;
    }
  }
  return trace;
}

/** The slowest wait's events, in ms from the job's end (a diagnostic, `--trace-slowest`). */
async function printSlowest(
  client: Client,
  emu: RunningOpenAIEmulator,
  known: string[],
  latenciesMs: number[],
): Promise<void> {
  const worst = latenciesMs.indexOf(Math.max(...latenciesMs));
  if (worst < 0 || !known[worst]) return;
  const history = await client.workflow.getHandle(awaitWorkflowIdFor(known[worst])).fetchHistory();
  const events = history.events ?? [];
  const t0 = emu.jobTimeline(known[worst])?.terminalAtMs ?? 0;
  console.log(
    `slowest wait (${formatMs(latenciesMs[worst]!)}): ${known[worst]}, from the job's end`,
  );
  for (const e of events.slice(-24)) {
    const t =
      Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const type = Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? '?';
    const from = t - t0;
    console.log(
      `  ${(from < 0 ? '' : '+') + String(from).padStart(7)} ms  ${type.replace('EventAttributes', '')}${pollSeen(e, t0)}`,
    );
  }
}

/** What a completed poll saw: the job's status and its estimated_finish, from the job's end. */
function pollSeen(
  e: {
    activityTaskCompletedEventAttributes?: {
      result?: { payloads?: unknown[] | null } | null;
    } | null;
  },
  endMs: number,
): string {
  const payload = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0] as
    { data?: Uint8Array | null } | undefined;
  if (!payload?.data) return '';
  const snap = JSON.parse(Buffer.from(payload.data).toString('utf8')) as Partial<JobSnapshot>;
  const est =
    typeof snap.estimatedFinish === 'number'
      ? `, estimated_finish ${snap.estimatedFinish * 1000 - endMs} ms`
      : '';
  return `  (saw ${snap.status}${est})`;
}

/** Where the mode's worker runs: a process of its own on the build, or inside this process. */
type WorkerPlace = { kind: 'process'; launch: WorkerLaunch } | { kind: 'inline' };

/** One mode on the shared dev server: an emulator, its webhook receiver and a worker of its own. */
async function runMode(mode: Mode, address: string, place: WorkerPlace): Promise<ModeResult> {
  if (mode.key === 'together') {
    const r = await runTogetherWait({
      address,
      jobs: N,
      scale: SCALE,
      jobMinutes: args.jobMinutes,
      policy: mode.policy,
      startSpreadMs: (args.startSpread * 1000) / N,
    });
    const spread = r.terminalsAt.length
      ? Math.max(...r.terminalsAt) - Math.min(...r.terminalsAt)
      : 0;
    return {
      mode,
      latenciesMs: r.latenciesMs,
      toSignalMs: [],
      signalToKnownMs: [],
      signalToTaskMs: [],
      taskMs: [],
      endsSpreadMs: spread,
      callsPerJob: r.callsPerJob,
      failures: r.failures,
    };
  }
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
    ...(place.kind === 'inline' ? { worker: { taskQueue, maxProviderRps: PROVIDER_RPS } } : {}),
  });
  const { client } = stack;
  const emu = stack.openai!;
  const worker =
    place.kind === 'process'
      ? spawnWorker(place.launch, {
          temporalAddress: address,
          taskQueue,
          openai: { apiKey: KEY, baseURL: emu.baseURL },
          providerRps: PROVIDER_RPS,
        })
      : undefined;
  try {
    if (worker) await untilPolling(client, taskQueue, worker);
    const spreadMs = (args.startSpread * 1000) / N;
    const started = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        if (spreadMs > 0) await new Promise((r) => setTimeout(r, i * spreadMs));
        return startFineTunePipeline(client, sampleInput(mode.policy), { taskQueue });
      }),
    );
    const latenciesMs: number[] = [];
    const terminalsAt: number[] = [];
    const toSignalMs: number[] = [];
    const signalToKnownMs: number[] = [];
    const signalToTaskMs: number[] = [];
    const taskMs: number[] = [];
    const measuredJobs: string[] = [];
    let failures = 0;
    // First every pipeline to its end, then the reading: this process also hosts the emulator
    // and the receiver, so fetching histories during the burst of job ends would slow the very
    // path being measured (the wait's re-read of the job).
    const jobIds = await Promise.all(
      started.map((s) =>
        s.handle.result().then(
          (r) => r.jobId,
          (err: unknown) => {
            if (failures++ === 0) console.error(`${mode.name}: first failure:`, err);
            return undefined;
          },
        ),
      ),
    );
    for (const jobId of jobIds) {
      if (jobId === undefined) continue;
      // The wait's own result and close time: no query, so an overloaded worker (which answers
      // queries) cannot fail the measurement.
      const waitId = awaitWorkflowIdFor(jobId);
      const waitHandle = client.workflow.getHandle<typeof awaitFineTuneJob>(waitId);
      const waited = await waitHandle.result();
      // The wait returns in the workflow task that saw the end: its close time is when the
      // workflow knew (a local activity's result does not move the workflow clock).
      const closedAt = (await waitHandle.describe()).closeTime?.getTime();
      const terminalAt = emu.jobTimeline(jobId)?.terminalAtMs;
      if (terminalAt === undefined || closedAt === undefined) continue;
      terminalsAt.push(terminalAt);
      const knownAt = Math.max(closedAt, waited.detectedAtMs);
      latenciesMs.push(Math.max(0, knownAt - terminalAt));
      measuredJobs.push(jobId);
      if (!mode.webhooks) continue;
      const trace = await traceSignal(client, waitId);
      if (trace === undefined) continue;
      toSignalMs.push(Math.max(0, trace.signalAt - terminalAt));
      signalToKnownMs.push(Math.max(0, knownAt - trace.signalAt));
      if (trace.taskStartedAt !== undefined && trace.taskCompletedAt !== undefined) {
        signalToTaskMs.push(Math.max(0, trace.taskStartedAt - trace.signalAt));
        taskMs.push(Math.max(0, trace.taskCompletedAt - trace.taskStartedAt));
      }
    }
    if (args.traceSlowest) await printSlowest(client, emu, measuredJobs, latenciesMs);
    return {
      mode,
      latenciesMs,
      toSignalMs,
      signalToKnownMs,
      signalToTaskMs,
      taskMs,
      endsSpreadMs: terminalsAt.length ? Math.max(...terminalsAt) - Math.min(...terminalsAt) : 0,
      callsPerJob: waitCalls(emu) / N,
      failures,
    };
  } finally {
    await worker?.stop();
    await stack.stop();
  }
}

function report(results: ModeResult[]): void {
  console.log(
    `\nbench:wait — ${N} pipelines per mode${args.parallel ? ', all modes at once' : ', one mode at a time'}, started ${args.startSpread > 0 ? `over ${args.startSpread} s` : 'at once'}, a ${args.jobMinutes}-minute job compressed ${SCALE}x (${formatMs(JOB_MS)} of running); worker ${args.worker === 'process' ? 'in a process of its own' : 'in the bench process'}, provider limit ${PROVIDER_RPS} req/s\n`,
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
  if (adaptive.minPollMs < 1000)
    console.log(
      `caution: at --scale ${SCALE} the shortest poll interval is ${adaptive.minPollMs} ms, and the Temporal server fires timers under a second only after about a second: the poll-driven figures are inflated (--scale 15 or less for them).`,
    );
  for (const r of results)
    console.log(
      `${r.mode.name}: the ${N} jobs ended within ${formatMs(r.endsSpreadMs)} of each other`,
    );
  for (const r of results.filter((x) => x.toSignalMs.length > 0)) {
    console.log(
      `${r.mode.name}: job end → webhook signal in history median ${formatMs(median(r.toSignalMs))}, p99 ${formatMs(percentile(r.toSignalMs, 99))}; ` +
        `signal → wait knew median ${formatMs(median(r.signalToKnownMs))}, p99 ${formatMs(percentile(r.signalToKnownMs, 99))} ` +
        `(signal → its task picked up: median ${formatMs(median(r.signalToTaskMs))}, p99 ${formatMs(percentile(r.signalToTaskMs, 99))}; ` +
        `the task: median ${formatMs(median(r.taskMs))}, p99 ${formatMs(percentile(r.taskMs, 99))})`,
    );
  }
}

async function main() {
  setDefaultLogLevel('warn'); // a webhook receiver line per job would bury the figures
  let build: BenchBuild | undefined;
  let place: WorkerPlace = { kind: 'inline' };
  if (args.worker === 'process') {
    build = buildForBench(join(import.meta.dirname, '..'));
    place = { kind: 'process', launch: { from: 'build', entry: build.workerEntry } };
  }
  const base = await buildLocalStack({ sdkLogs: 'silent', temporal: { start: {} } });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      killWorkers();
      build?.remove();
      void base.stop().finally(() => process.exit(130));
    });
  try {
    const address = base.temporal.address;
    const modes = MODES.filter((m) => args.modes.includes(m.key));
    const results: ModeResult[] = [];
    if (args.parallel)
      results.push(...(await Promise.all(modes.map((m) => runMode(m, address, place)))));
    else for (const m of modes) results.push(await runMode(m, address, place));
    report(results);
  } finally {
    await base.stop();
    build?.remove();
  }
}

await main();
