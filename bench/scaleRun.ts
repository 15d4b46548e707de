// One bench:scale run: an emulator (and W&B emulator) in this process, a worker process of its
// own on a fresh task queue, N pipelines started with bounded concurrency, all waiting at once.
import { randomBytes } from 'node:crypto';
import { startFineTunePipeline, type StartedPipeline } from '../src/client/pipeline.js';
import { buildLocalStack } from '../src/localStack/index.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';
import { mib, sampleProc, type ProcSample, type TreeSample } from './procStats.js';
import { median } from './stats.js';
import { spawnWorker, untilPolling, type WorkerLaunch } from './workerProcess.js';
import { sampleTaskLatency, type TaskLatency } from './workflowTaskLatency.js';

export interface ScaleSettings {
  pipelines: number;
  trainSeconds: number;
  wandb: boolean;
  /** Stop once the wait has been measured, without waiting for the pipelines to finish. */
  measureWaitOnly: boolean;
  waitWindowSeconds: number;
  startConcurrency: number;
  historySample: number;
  providerRps: number;
  workerNodeOptions?: string;
  workerMallocArenas?: string;
  temporalAddress: string;
  devServerPid: number | undefined;
  launch: WorkerLaunch;
}

export interface ScaleResult {
  settings: ScaleSettings;
  started: number;
  succeeded: number;
  failed: number;
  /** Seconds from the first start to the N-th job created (everybody training). */
  rampSeconds: number;
  /** The command and the worker process it runs, summed (`rootRssBytes`: the command alone). */
  idle: TreeSample;
  /** RSS samples taken while every pipeline was waiting. */
  waitingRss: number[];
  /** False when the first job ended before the waiting window closed. */
  allWaitedAtOnce: boolean;
  peakRssBytes: number;
  cpuSeconds: number;
  waitCpuSeconds: number;
  devServer?: { peakRssBytes: number; cpuSeconds: number };
  providerCalls: number;
  waitCalls: number;
  lastJobToLastPipelineMs?: number;
  latency: TaskLatency;
  failures: string[];
}

const KEY = 'sk-bench';
const VALIDATING_MS = 5_000;
const QUEUED_MS = 5_000;
const WAIT_ROUTES = [
  'GET /v1/fine_tuning/jobs/:fine_tuning_job_id',
  'GET /v1/fine_tuning/jobs/:fine_tuning_job_id/events',
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stamp = (t0: number) => `[${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s]`;

/** Seconds until the worker uses under 5 % of a core over 5 s (at most `maxSeconds`). */
async function untilQuiet(worker: { sample(): ProcSample | undefined }, maxSeconds: number) {
  const start = Date.now();
  const cpu: number[] = [];
  while (Date.now() - start < maxSeconds * 1000) {
    const now = worker.sample();
    if (now) cpu.push(now.cpuSeconds);
    if (cpu.length > 5 && cpu[cpu.length - 1]! - cpu[cpu.length - 6]! < 0.25) break;
    await sleep(1_000);
  }
  return (Date.now() - start) / 1000;
}

export async function runScale(s: ScaleSettings): Promise<ScaleResult> {
  const taskQueue = `scale-${randomBytes(4).toString('hex')}`;
  const stack = await buildLocalStack({
    temporal: { address: s.temporalAddress },
    webhooks: {},
    openai: {
      apiKey: KEY,
      durations: {
        validatingMs: VALIDATING_MS,
        queuedMs: QUEUED_MS,
        runningMs: s.trainSeconds * 1000,
      },
      steps: 100,
    },
    ...(s.wandb ? { wandb: { emulator: {} } } : {}),
  });
  const emu = stack.openai!;
  const worker = spawnWorker(s.launch, {
    temporalAddress: s.temporalAddress,
    taskQueue,
    openai: { apiKey: KEY, baseURL: emu.baseURL },
    wandb: stack.wandb ? { apiKey: stack.wandb.apiKey, baseUrl: stack.wandb.baseUrl } : undefined,
    providerRps: s.providerRps,
    nodeOptions: s.workerNodeOptions,
    mallocArenaMax: s.workerMallocArenas,
  });
  const label = `W&B ${s.wandb ? 'on' : 'off'}`;
  try {
    await untilPolling(stack.client, taskQueue, worker);
    await sleep(5_000); // let start-up garbage settle before calling the worker idle
    const idle = worker.sample()!;
    const dev0 = s.devServerPid ? sampleProc(s.devServerPid) : undefined;
    console.log(
      `${label}: finetune worker pid ${worker.pid} polling (processes ${idle.pids.join(', ')}); idle RSS ${mib(idle.rssBytes)}`,
    );

    let peak = idle.peakRssBytes;
    let last = idle;
    const sampler = setInterval(() => {
      const now = worker.sample();
      if (now) {
        last = now;
        peak = Math.max(peak, now.peakRssBytes);
      }
    }, 1_000);

    const t0 = Date.now();
    const pipelines: StartedPipeline[] = [];
    const ends: { atMs: number; jobId: string }[] = [];
    const failures: string[] = [];
    let failed = 0;
    const progress = setInterval(
      () => {
        const st = emu.stats();
        console.log(
          `${stamp(t0)} ${label}: started ${pipelines.length}/${s.pipelines} · jobs created ${st.jobsCreated} · finished ${ends.length + failed} · worker RSS ${mib(last.rssBytes)} · CPU ${(last.cpuSeconds - idle.cpuSeconds).toFixed(0)} s`,
        );
      },
      s.pipelines > 2000 ? 15_000 : 5_000,
    );

    const follow = (p: StartedPipeline) => {
      p.handle.result().then(
        (r) => ends.push({ atMs: Date.now(), jobId: r.jobId }),
        (err: unknown) => {
          failed++;
          if (failures.length < 5) failures.push(String((err as Error).cause ?? err));
        },
      );
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: s.startConcurrency }, async () => {
        while (next < s.pipelines) {
          next++;
          const p = await startFineTunePipeline(
            stack.client,
            // The bench runs a webhook receiver, so the waits poll only as a sparse safety net.
            sampleInput({ webhooks: true }),
            { taskQueue },
          );
          pipelines.push(p);
          if (!s.measureWaitOnly) follow(p);
        }
      }),
    );

    // Everybody training: the N-th job exists, and a moment for its child workflow to start.
    let firstJobAt: number | undefined;
    while (emu.stats().jobsCreated < s.pipelines) {
      if (worker.exited) throw new Error(`the worker exited:\n${worker.stderr()}`);
      if (firstJobAt === undefined && emu.stats().jobsCreated > 0) firstJobAt = Date.now();
      await sleep(250);
    }
    const rampSeconds = (Date.now() - t0) / 1000;
    // The last jobs' waits still have workflow tasks queued: the waiting window opens once the
    // worker has caught up (under 5 % of a core over 5 s), so "while waiting" is waiting only.
    const settleSeconds = await untilQuiet(worker, 300);
    console.log(
      `${stamp(t0)} ${label}: worker quiet ${settleSeconds.toFixed(0)} s after the last job was created`,
    );
    const cpuBeforeWait = last.cpuSeconds;
    const waitingRss: number[] = [];
    const windowEnd = Date.now() + s.waitWindowSeconds * 1000;
    while (Date.now() < windowEnd) {
      const now = worker.sample();
      if (now) waitingRss.push(now.rssBytes);
      await sleep(1_000);
    }
    const waitCpuSeconds = (worker.sample()?.cpuSeconds ?? cpuBeforeWait) - cpuBeforeWait;
    const firstJobEnd = (firstJobAt ?? t0) + VALIDATING_MS + QUEUED_MS + s.trainSeconds * 1000;
    const allWaitedAtOnce = windowEnd < firstJobEnd;
    console.log(
      `${stamp(t0)} ${label}: all ${s.pipelines} waiting; RSS while waiting ${mib(median(waitingRss))}` +
        (allWaitedAtOnce ? '' : ' (but the first job ended meanwhile: raise --train-seconds)'),
    );

    let lastJobToLastPipelineMs: number | undefined;
    if (!s.measureWaitOnly) {
      while (ends.length + failed < s.pipelines) {
        if (worker.exited) throw new Error(`the worker exited:\n${worker.stderr()}`);
        await sleep(500);
      }
      const jobEnds = ends.map((e) => emu.jobTimeline(e.jobId)?.terminalAtMs ?? Number.NaN);
      lastJobToLastPipelineMs =
        Math.max(...ends.map((e) => e.atMs)) - Math.max(...jobEnds.filter(Number.isFinite));
    }
    clearInterval(progress);
    clearInterval(sampler);

    const end = worker.sample()!;
    const sample = pipelines
      .map((p) => p.workflowId)
      .sort(() => Math.random() - 0.5)
      .slice(0, s.historySample);
    const latency = await sampleTaskLatency(stack.client, sample);
    const dev1 = s.devServerPid ? sampleProc(s.devServerPid) : undefined;
    const requests = emu.stats().requests;
    return {
      settings: s,
      started: pipelines.length,
      succeeded: ends.length,
      failed,
      rampSeconds,
      idle,
      waitingRss,
      allWaitedAtOnce,
      peakRssBytes: Math.max(peak, end.peakRssBytes),
      cpuSeconds: end.cpuSeconds - idle.cpuSeconds,
      waitCpuSeconds,
      devServer:
        dev0 && dev1
          ? { peakRssBytes: dev1.peakRssBytes, cpuSeconds: dev1.cpuSeconds - dev0.cpuSeconds }
          : undefined,
      providerCalls: Object.values(requests).reduce((a, b) => a + b, 0),
      waitCalls: WAIT_ROUTES.reduce((sum, r) => sum + (requests[r] ?? 0), 0),
      lastJobToLastPipelineMs,
      latency,
      failures,
    };
  } finally {
    await worker.stop();
    await stack.stop();
  }
}
