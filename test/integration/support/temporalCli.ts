import { execFile } from 'node:child_process';
import { findTemporalCli } from '../../../src/temporal/cliLocator.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real Temporal CLI binary the dev server runs from (env, PATH, or the project's copy). */
export function temporalCliPath(): string {
  const cli = findTemporalCli();
  if (!cli) throw new Error('no Temporal CLI found (npm run setup:temporal)');
  return cli.path;
}

/** Runs the Temporal CLI with `args`; resolves with its exit code and output, never rejects. */
export function runTemporalCli(args: string[], timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(temporalCliPath(), args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * What the Temporal Web UI's "Send a Signal" does: one signal by name, the input pasted as JSON
 * (omitted: no argument at all).
 */
export function signalWithCli(
  address: string,
  workflowId: string,
  name: string,
  input?: string,
): Promise<CliRun> {
  return runTemporalCli([
    'workflow',
    'signal',
    '--address',
    address,
    '--namespace',
    'default',
    '--workflow-id',
    workflowId,
    '--name',
    name,
    ...(input === undefined ? [] : ['--input', input]),
  ]);
}
