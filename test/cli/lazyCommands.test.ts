import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/runCli.js';

// `finetune worker` must not load what only other commands need: the sandbox, the emulators and
// the heavy packages behind them. Every module the ES loader resolves is recorded by a resolve
// hook registered after tsx's, so TypeScript sources and packages both show up.
const HOOK = join(import.meta.dirname, 'support', 'recordImports.js');

const FORBIDDEN: [string, RegExp][] = [
  ['the sandbox', /\/src\/sandbox\//],
  ['the emulators', /\/src\/emulators\//],
  ['the webhook receiver', /\/src\/webhooks\//],
  ['GraphQL', /\/node_modules\/graphql\//],
  ['fastify', /\/node_modules\/fastify\//],
  ['@fastify/multipart', /\/node_modules\/@fastify\/multipart\//],
  ['the promotion client', /\/src\/client\/promotion\.ts/],
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-imports-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function importsOf(name: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, `${name}.txt`);
  const run = await runCli(args, {
    nodeArgs: ['--import', HOOK],
    env: { RECORD_IMPORTS_TO: file, ...env },
  });
  const urls = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return { run, urls };
}

function expectNone(urls: string[]) {
  for (const [what, pattern] of FORBIDDEN) {
    expect(
      urls.filter((u) => pattern.test(u)),
      `${what} was loaded`,
    ).toEqual([]);
  }
}

describe('commands load only what they need', () => {
  it('finetune worker --help loads neither the worker nor anything heavy', async () => {
    const { run, urls } = await importsOf('worker-help', ['worker', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: finetune worker');
    // The recorder works: the CLI entry and the worker command were seen.
    expect(urls.some((u) => u.endsWith('/src/cli/main.ts'))).toBe(true);
    expect(urls.some((u) => u.endsWith('/src/cli/commands/worker.ts'))).toBe(true);
    expectNone(urls);
    expect(urls.filter((u) => /\/node_modules\/@temporalio\//.test(u))).toEqual([]);
    expect(urls.filter((u) => /\/src\/cli\/commands\/(?!worker\.ts)/.test(u))).toEqual([]);
  });

  it('a worker start loads the worker and activities, but no emulator, sandbox or GraphQL', async () => {
    // Without OPENAI_API_KEY the worker stops at its configuration check, after loading.
    const { run, urls } = await importsOf('worker-start', ['worker'], { OPENAI_API_KEY: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/OPENAI_API_KEY/);
    expect(urls.some((u) => u.endsWith('/src/worker.ts'))).toBe(true);
    expect(urls.some((u) => u.endsWith('/src/activities/index.ts'))).toBe(true);
    expectNone(urls);
  });

  it('finetune validate loads the dataset checks and no Temporal package', async () => {
    const { run, urls } = await importsOf('validate', [
      'validate',
      join(ROOT, 'data/sample/train.jsonl'),
    ]);
    expect(run.code).toBe(0);
    expectNone(urls);
    expect(urls.filter((u) => /\/node_modules\/@temporalio\//.test(u))).toEqual([]);
  });

  it('the recorder does see heavy modules when a command loads them (sandbox --help)', async () => {
    const { run, urls } = await importsOf('sandbox-help', ['sandbox', '--help']);
    expect(run.code).toBe(0);
    expect(urls.some((u) => /\/src\/sandbox\//.test(u))).toBe(true);
  });

  it('finetune --help still lists every command', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const name of ['validate', 'start', 'status', 'cancel', 'sync', 'worker', 'sandbox'])
      expect(run.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('an unknown command is refused with the closest name', async () => {
    const run = await runCli(['statsu']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unknown command 'statsu'/);
    expect(run.stderr).toMatch(/status/);
  });
});
