import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `finetune …` as a user does, from source: `node --import tsx src/cli/main.ts …` in the
 * project root. Killed (and failed by the caller's assertions) after `timeoutMs` (default just under
 * the cli tier's test timeout: from source under tsx, a loaded 2-core machine can take a minute).
 */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[]; cwd?: string } = {},
): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...(opts.nodeArgs ?? []), join(ROOT, 'src/cli/main.ts'), ...args],
    {
      cwd: opts.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn', ...opts.env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
