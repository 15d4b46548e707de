// The worker under measurement, in a process of its own: `finetune worker` from the checkout
// (through tsx) or the transpiled build run by plain node, configured only by its environment, as
// in production. Its RSS and CPU are read from /proc by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { describePollers } from '../src/client/pollers.js';
import { sampleProc, type ProcSample } from './procStats.js';

export type WorkerLaunch = { from: 'source'; root: string } | { from: 'build'; entry: string };

export interface WorkerProcessEnv {
  temporalAddress: string;
  taskQueue: string;
  openai: { apiKey: string; baseURL: string };
  /** W&B off: the worker has no WANDB_API_KEY, so every pipeline skips W&B. */
  wandb?: { apiKey: string; baseUrl: string };
  /** FINETUNE_PROVIDER_MAX_RPS for the worker. */
  providerRps: number;
  /** NODE_OPTIONS for the worker only (e.g. a heap cap), not for this process. */
  nodeOptions?: string;
  /** MALLOC_ARENA_MAX for the worker only ("" for glibc's default). */
  mallocArenaMax?: string;
}

const live = new Set<ChildProcess>();
/** For a benchmark interrupted by a signal: no worker outlives it. */
export function killWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
}

export interface BenchWorker {
  pid: number;
  sample(): ProcSample | undefined;
  stderr(): string;
  readonly exited: boolean;
  stop(): Promise<void>;
}

export function spawnWorker(launch: WorkerLaunch, env: WorkerProcessEnv): BenchWorker {
  const [args, cwd] =
    launch.from === 'source'
      ? [['bin/finetune.js', 'worker'], launch.root]
      : [[launch.entry], undefined];
  // NODE_OPTIONS refuses --cpu-prof: a profile of the worker (both threads) is asked for here.
  const profile = process.env.BENCH_WORKER_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      // FINETUNE_MAX_* and the rest of this shell's settings reach the worker as they would.
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      FINETUNE_PROVIDER: 'openai',
      OPENAI_API_KEY: env.openai.apiKey,
      OPENAI_BASE_URL: env.openai.baseURL,
      FINETUNE_TASK_QUEUE: env.taskQueue,
      WANDB_API_KEY: env.wandb?.apiKey ?? '',
      WANDB_BASE_URL: env.wandb?.baseUrl ?? '',
      WANDB_ENTITY: '',
      FINETUNE_WORKFLOW_BUNDLE: '',
      FINETUNE_PROVIDER_MAX_RPS: String(env.providerRps),
      NODE_OPTIONS: env.nodeOptions ?? process.env.NODE_OPTIONS ?? '',
      MALLOC_ARENA_MAX: env.mallocArenaMax ?? process.env.MALLOC_ARENA_MAX ?? '',
      LOG_LEVEL: 'warn',
    },
  });
  if (child.pid === undefined) throw new Error('could not start the worker process');
  const pid = child.pid;
  live.add(child);
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-8000)));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );
  return {
    pid,
    sample: () => sampleProc(pid),
    stderr: () => err,
    get exited() {
      return exited;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(force);
    },
  };
}

/** Resolves once the server has seen this worker (by its pid in the SDK identity) polling. */
export async function untilPolling(
  client: Client,
  taskQueue: string,
  worker: BenchWorker,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (worker.exited) throw new Error(`the worker exited while starting:\n${worker.stderr()}`);
    const pollers = await describePollers(client, taskQueue).catch(() => undefined);
    if (pollers?.identities.some((id) => id.startsWith(`${worker.pid}@`))) return;
    if (Date.now() > deadline)
      throw new Error(`the worker did not poll within ${timeoutMs} ms:\n${worker.stderr()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
