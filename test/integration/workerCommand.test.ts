import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describePollers } from '../../src/client/pollers.js';
import { eventually } from './support/harness.js';

// `finetune worker` as a user types it: the command applies the heap cap and malloc arenas by
// running the worker in a child process (src/worker/memory.ts), passes signals on, and ends as
// the worker did.

const ROOT = join(import.meta.dirname, '..', '..');

let client: Client;
beforeAll(async () => {
  client = new Client({
    connection: await Connection.connect({ address: inject('temporalAddress') }),
  });
});
afterAll(async () => {
  await client.connection.close();
});

interface Started {
  process: ChildProcess;
  taskQueue: string;
  log(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCommand(env: NodeJS.ProcessEnv = {}): Started {
  const taskQueue = `cmd-${randomUUID()}`;
  const base = { ...process.env };
  for (const name of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'FINETUNE_WORKER_NODE_OPTIONS'])
    delete base[name];
  delete base.FINETUNE_WORKER_MALLOC_ARENA_MAX;
  const child = spawn(process.execPath, ['bin/finetune.js', 'worker'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...base,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: 'default',
      OPENAI_API_KEY: 'sk-never-called',
      FINETUNE_TASK_QUEUE: taskQueue,
      FINETUNE_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      WANDB_API_KEY: '',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, taskQueue, log: () => out, exit };
}

/** The pid the worker polls from (SDK identity `pid@host`). */
async function pollingPid(taskQueue: string): Promise<number> {
  const identity = await eventually(
    'the worker to poll',
    async () => (await describePollers(client, taskQueue)).identities[0],
    60_000,
  );
  return Number(identity.split('@')[0]);
}

function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(
    pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  );
}

function alive(pid: number): boolean {
  return readdirSync('/proc').includes(String(pid));
}

function startedLine(log: string): Record<string, unknown> {
  const line = log.split('\n').find((l) => l.includes('"worker started"'));
  if (!line) throw new Error(`no "worker started" line in:\n${log}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('finetune worker: lean as shipped', () => {
  it('runs the worker in a child with the heap cap and two arenas, logs them, and stops on SIGTERM with exit 0', async () => {
    const cmd = startCommand();
    const workerPid = await pollingPid(cmd.taskQueue);
    expect(workerPid).not.toBe(cmd.process.pid);
    const env = environOf(workerPid);
    expect(env.MALLOC_ARENA_MAX).toBe('2');
    expect(env.NODE_OPTIONS).toContain('--max-old-space-size=384');
    await eventually('the start line', () => cmd.log().includes('"worker started"') || undefined);
    const started = startedLine(cmd.log());
    // 384 MiB of old space plus V8's young generation: far below the default limit.
    expect(started.heapLimitMiB).toBeLessThan(512);
    expect(started.mallocArenaMax).toBe('2');
    expect(started.memorySetBy).toMatch(/^finetune worker \(NODE_OPTIONS --max-old-space-size=384/);

    cmd.process.kill('SIGTERM');
    expect(await cmd.exit).toEqual({ code: 0, signal: null });
    expect(cmd.log()).toContain("state: 'STOPPED'");
    expect(alive(workerPid)).toBe(false);
  });

  it('the worker stops by itself when the command is killed outright', async () => {
    const cmd = startCommand();
    const workerPid = await pollingPid(cmd.taskQueue);
    cmd.process.kill('SIGKILL');
    await cmd.exit;
    await eventually('the orphaned worker to stop', () => !alive(workerPid) || undefined, 30_000);
  });

  it('with both settings empty it runs in one process with the environment as it is', async () => {
    const cmd = startCommand({
      FINETUNE_WORKER_NODE_OPTIONS: '',
      FINETUNE_WORKER_MALLOC_ARENA_MAX: '',
    });
    expect(await pollingPid(cmd.taskQueue)).toBe(cmd.process.pid);
    await eventually('the start line', () => cmd.log().includes('"worker started"') || undefined);
    const started = startedLine(cmd.log());
    expect(started.memorySetBy).toBe('the environment');
    expect(started.heapLimitMiB).toBeGreaterThan(512);
    cmd.process.kill('SIGTERM');
    expect((await cmd.exit).code).toBe(0);
  });

  it("passes the worker's failure on as the command's exit code", async () => {
    const cmd = startCommand({ OPENAI_API_KEY: '' });
    expect(await cmd.exit).toEqual({ code: 1, signal: null });
    expect(cmd.log()).toContain('OPENAI_API_KEY is not set');
  });
});
