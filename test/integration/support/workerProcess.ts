import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Harness } from './harness.js';
import { TEST_OPENAI_KEY, TEST_WANDB_KEY } from './harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A worker in a process of its own (`finetune worker`'s code path), so a test can SIGKILL it. */
export interface WorkerProcess {
  kill(): Promise<void>;
  stderr(): string;
}

export function spawnWorker(h: Harness, extraEnv: NodeJS.ProcessEnv = {}): WorkerProcess {
  return spawnWorkerWith({
    TEMPORAL_ADDRESS: h.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    OPENAI_API_KEY: TEST_OPENAI_KEY,
    OPENAI_BASE_URL: `${h.openai.url}/v1`,
    FINETUNE_TASK_QUEUE: h.taskQueue,
    FINETUNE_WORKFLOW_BUNDLE: h.bundlePath,
    WANDB_API_KEY: h.wandb ? TEST_WANDB_KEY : '',
    WANDB_BASE_URL: h.wandb?.url ?? '',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  });
}

/** What the crash-test worker prints when it has stopped a write half way. */
export const HELD_WRITE_MARK = 'held write';

/**
 * The knowledge base's crash-test worker (support/kbWorker.ts): small batches, one in flight,
 * and with `holdWrite: n` a store whose n-th candidate write stops half way.
 */
export function spawnKbWorker(
  h: Harness,
  kbDir: string,
  options: { holdWrite?: number; batchInputs?: number } = {},
): WorkerProcess {
  return spawnWorkerWith(
    {
      TEMPORAL_ADDRESS: h.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      OPENAI_API_KEY: TEST_OPENAI_KEY,
      OPENAI_BASE_URL: `${h.openai.url}/v1`,
      FINETUNE_TASK_QUEUE: h.taskQueue,
      FINETUNE_WORKFLOW_BUNDLE: h.bundlePath,
      FINETUNE_KB_DIR: kbDir,
      WANDB_API_KEY: '',
      LOG_LEVEL: 'warn',
      KB_TEST_HOLD_WRITE: String(options.holdWrite ?? 0),
      KB_TEST_BATCH_INPUTS: String(options.batchInputs ?? 4),
    },
    join('test', 'integration', 'support', 'kbWorker.ts'),
  );
}

/** A worker process with exactly this environment (over the test's own). */
export function spawnWorkerWith(env: NodeJS.ProcessEnv, entry = 'src/worker.ts'): WorkerProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-8000)));
  return {
    stderr: () => err,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
