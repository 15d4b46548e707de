// The worker under measurement: the plain `finetune worker` command, from the checkout (through
// tsx) or from the transpiled build run by plain node, configured only by its environment, as a
// user runs it. The command runs the worker in a child process with its memory settings
// (src/worker/memory.ts), so RSS and CPU are read from /proc for the command and its descendants.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { describePollers } from '../src/client/pollers.js';
import { sampleTree, type TreeSample } from './procStats.js';

export type WorkerLaunch = { from: 'source'; root: string } | { from: 'build'; entry: string };

export interface WorkerProcessEnv {
  temporalAddress: string;
  taskQueue: string;
  openai: { apiKey: string; baseURL: string };
  /** W&B off: the worker has no WANDB_API_KEY, so every pipeline skips W&B. */
  wandb?: { apiKey: string; baseUrl: string };
  /** FINETUNE_PROVIDER_MAX_RPS for the worker. */
  providerRps: number;
  /**
   * FINETUNE_WORKER_NODE_OPTIONS for the command ("" turns its heap cap off); undefined: the
   * command's default. NODE_OPTIONS and MALLOC_ARENA_MAX of this shell never reach the worker.
   */
  nodeOptions?: string;
  /** FINETUNE_WORKER_MALLOC_ARENA_MAX for the command ("" for glibc's default). */
  mallocArenaMax?: string;
}

const live = new Set<ChildProcess>();
/** For a benchmark interrupted by a signal: no worker outlives it. */
export function killWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
}

export interface BenchWorker {
  /** The command's pid (the worker is its child unless both memory settings are off). */
  pid: number;
  sample(): TreeSample | undefined;
  stderr(): string;
  readonly exited: boolean;
  stop(): Promise<void>;
}

export function spawnWorker(launch: WorkerLaunch, env: WorkerProcessEnv): BenchWorker {
  const [args, cwd] =
    launch.from === 'source'
      ? [['bin/finetune.js', 'worker'], launch.root]
      : [[launch.entry, 'worker'], undefined];
  const shell = { ...process.env };
  for (const name of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'FINETUNE_WORKER_MEMORY_APPLIED'])
    delete shell[name];
  // NODE_OPTIONS refuses --cpu-prof: a profile of the worker (both threads) is asked for here.
  const profile = process.env.BENCH_WORKER_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      // FINETUNE_MAX_* and the rest of this shell's settings reach the worker as they would.
      ...shell,
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
      ...(env.nodeOptions !== undefined ? { FINETUNE_WORKER_NODE_OPTIONS: env.nodeOptions } : {}),
      ...(env.mallocArenaMax !== undefined
        ? { FINETUNE_WORKER_MALLOC_ARENA_MAX: env.mallocArenaMax }
        : {}),
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
    sample: () => sampleTree(pid),
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

/** Resolves once the server has seen this worker (a pid of its tree in the SDK identity) polling. */
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
    const pids = worker.sample()?.pids ?? [worker.pid];
    if (pollers?.identities.some((id) => pids.some((pid) => id.startsWith(`${pid}@`)))) return;
    if (Date.now() > deadline)
      throw new Error(`the worker did not poll within ${timeoutMs} ms:\n${worker.stderr()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
