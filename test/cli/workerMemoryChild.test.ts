import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInChild, workerMemoryPlan } from '../../src/worker/memory.js';
import { eventually } from '../support/eventually.js';

// How `finetune worker` mirrors the child it runs the worker in, with a stand-in child that
// writes down what it received: the signals (and how often) and its memory settings.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'worker-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Records each SIGINT/SIGTERM; half a second after the first, writes a report and exits 0. Writes
 * `<report>.ready` once its handlers are set, so a test signals only then (a loaded machine can take
 * seconds to start a node process).
 */
const RECORDER = `
  const got = [];
  const report = (s) => {
    got.push(s);
    if (got.length > 1) return;
    setTimeout(() => {
      const { MALLOC_ARENA_MAX: arenas, NODE_OPTIONS: heap } = process.env;
      require('node:fs').writeFileSync(process.argv[1], JSON.stringify({ got, arenas, heap }));
      process.exit(0);
    }, 500);
  };
  process.on('SIGINT', () => report('SIGINT'));
  process.on('SIGTERM', () => report('SIGTERM'));
  require('node:fs').writeFileSync(process.argv[1] + '.ready', '');
  setInterval(() => {}, 1000);
`;
const handlersSet = (file: string) =>
  eventually('the child to set its signal handlers', () => existsSync(`${file}.ready`), 60_000);

interface Report {
  got: string[];
  arenas?: string;
  heap?: string;
}
const bare = {
  NODE_OPTIONS: undefined,
  MALLOC_ARENA_MAX: undefined,
  FINETUNE_WORKER_NODE_OPTIONS: undefined,
  FINETUNE_WORKER_MALLOC_ARENA_MAX: undefined,
};

describe('runInChild: the command mirrors the worker process', () => {
  it('passes one Ctrl-C on once, even when it arrives twice (terminal and npx)', async () => {
    const file = join(dir, 'twice.json');
    const end = runInChild(workerMemoryPlan({ ...process.env, ...bare })!, ['-e', RECORDER, file]);
    await handlersSet(file);
    process.kill(process.pid, 'SIGINT');
    await sleep(100);
    process.kill(process.pid, 'SIGINT');
    expect(await end).toEqual({ code: 0, signal: null });
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expect(report.got).toEqual(['SIGINT']);
  });

  it('starts the child with the plan, and passes SIGHUP on as a clean SIGTERM', async () => {
    const file = join(dir, 'hup.json');
    const end = runInChild(workerMemoryPlan({ ...process.env, ...bare })!, ['-e', RECORDER, file]);
    await handlersSet(file);
    process.kill(process.pid, 'SIGHUP');
    expect(await end).toEqual({ code: 0, signal: null });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      got: ['SIGTERM'],
      arenas: '2',
      heap: '--max-old-space-size=384',
    });
  });

  it('ends as the child ended: its exit code, or the signal that killed it', async () => {
    const plan = workerMemoryPlan({})!;
    expect(await runInChild(plan, ['-e', 'process.exit(3)'])).toEqual({ code: 3, signal: null });
    expect(await runInChild(plan, ['-e', "process.kill(process.pid, 'SIGKILL')"])).toEqual({
      code: null,
      signal: 'SIGKILL',
    });
  });
});
