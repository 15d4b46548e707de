import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commandTable.js';
import { EXIT } from '../../src/cli/exitCodes.js';
import { ROOT, runCli, type CliRun } from './support/runCli.js';

// Every command's failure once, as a user meets it: exit code 1 (docs/operations.md's table) and
// one readable message, never a stack trace. Commands that connect are pointed at a port where no
// Temporal listens; they run at once, each waiting out its connection deadline.

const NOWHERE = ['--address', '127.0.0.1:1'];
const FAILURES: Record<string, { args: string[]; env?: NodeJS.ProcessEnv; says: RegExp }> = {
  validate: { args: ['validate', '/nonexistent/train.jsonl'], says: /cannot read it/ },
  start: {
    args: ['start', '--training', '/nonexistent/train.jsonl', '--model', 'gpt-4.1-mini'],
    says: /training/,
  },
  status: { args: ['status', 'some-id', ...NOWHERE], says: /Cannot connect to Temporal/ },
  cancel: { args: ['cancel', 'some-id', ...NOWHERE], says: /Cannot connect to Temporal/ },
  approve: {
    args: ['approve', 'some-id', '--by', 'a', ...NOWHERE],
    says: /Cannot connect to Temporal/,
  },
  reject: { args: ['reject', 'some-id', '--by', 'a', ...NOWHERE], says: /Cannot connect/ },
  rollback: {
    args: ['rollback', '--by', 'a', '--reason', 'r', ...NOWHERE],
    says: /Cannot connect to Temporal/,
  },
  resolve: { args: ['resolve', ...NOWHERE], says: /Cannot connect to Temporal/ },
  lineage: { args: ['lineage', 'production', ...NOWHERE], says: /Cannot connect to Temporal/ },
  list: { args: ['list', ...NOWHERE], says: /Cannot connect to Temporal/ },
  kb: { args: ['kb', 'status', 'kb-x', ...NOWHERE], says: /Cannot connect to Temporal/ },
  migrate: { args: ['migrate', '--to', 'azure', ...NOWHERE], says: /Cannot connect/ },
  sync: { args: ['sync', '--job', 'ftjob-1', ...NOWHERE], says: /Cannot connect to Temporal/ },
  'schedule-sync': {
    args: ['schedule-sync', '--every', '1h', ...NOWHERE],
    says: /Cannot connect to Temporal/,
  },
  worker: {
    args: ['worker', ...NOWHERE],
    env: { FINETUNE_PROVIDER: 'openai', OPENAI_API_KEY: '' },
    says: /OPENAI_API_KEY is not set/,
  },
  webhook: { args: ['webhook'], env: { OPENAI_WEBHOOK_SECRET: '' }, says: /OPENAI_WEBHOOK_SECRET/ },
  events: {
    args: ['events', 'tail', '--port', '0'],
    env: { FINETUNE_EVENTS_SECRET: 'not-a-secret' },
    says: /FINETUNE_EVENTS_SECRET must be whsec_/,
  },
  emulate: { args: ['emulate', 'openai', '--port', '70000'], says: /--port <n>.*is invalid/ },
  sandbox: { args: ['sandbox', '--running-seconds', '0'], says: /--running-seconds <s>.*invalid/ },
  'temporal-cli': {
    args: ['temporal-cli'],
    env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal' },
    says: /TEMPORAL_CLI_PATH=\/nonexistent\/temporal is not an executable file/,
  },
};

describe('the CLI contract, as a process', () => {
  it('covers every command', () => {
    expect(Object.keys(FAILURES).sort()).toEqual(COMMANDS.map(([name]) => name).sort());
  });

  it('each command fails once: exit 1, a message that says why, no stack trace', async () => {
    const runs = await Promise.all(
      Object.entries(FAILURES).map(
        async ([name, f]) =>
          [name, await runCli(f.args, { env: f.env, timeoutMs: 90_000 })] as const,
      ),
    );
    const wrong = runs.flatMap(([name, run]: readonly [string, CliRun]) => {
      const out = `${run.stderr}${run.stdout}`;
      const problems = [
        run.code !== EXIT.userError && `exit ${run.code}`,
        !FAILURES[name]!.says.test(out) && `no ${String(FAILURES[name]!.says)}`,
        /^\s+at /m.test(run.stderr) && 'a stack trace',
      ].filter(Boolean);
      return problems.length ? [`${name}: ${problems.join(', ')}\n${out}`] : [];
    });
    expect(wrong).toEqual([]);
  }, 120_000);

  it('--version prints the package version, exit 0', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const run = await runCli(['--version']);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toBe(`${pkg.version}\n`);
  });
});
