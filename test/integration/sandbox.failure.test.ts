import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/projectRoot.js';
import type { SandboxResult } from '../../src/sandbox/run.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI, as a user runs it: no LOG_LEVEL, no Temporal settings from this environment. */
function sandbox(args: string[]): Promise<Ran> {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k.startsWith('TEMPORAL_') || k === 'LOG_LEVEL') delete env[k];
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(projectRoot(), 'bin', 'finetune.js'), 'sandbox', ...args],
      { cwd: projectRoot(), env, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // A non-zero exit is what is under test; a timeout or a signal is not.
        if (err && (err.killed || err.signal))
          reject(new Error(`the sandbox did not exit by itself (${err.signal ?? 'killed'})`));
        else resolve({ code: child.exitCode, stdout, stderr });
      },
    );
  });
}

const COMMON = ['--fail-training', '--no-ui', '--no-persist', '--running-seconds', '1'];
/** The emulator's failure for a job that fails part-way (failTraining). */
const FAILURE =
  /Fine-tuning job ftjob-\S+ failed: training_failed: Fine-tuning failed at step \d+/g;

/** What must never reach the terminal: stack frames, the SDK's warnings (default or one-line). */
const NOISE = [
  /^\s+at /,
  /\[(WARN|ERROR)\]/,
  /Workflow failed|Activity failed|ApplicationFailure/,
  /^temporal (warn|error):/,
];

/** The offending lines themselves, so a failure shows what was printed. */
function expectNoSdkNoise(output: string): void {
  expect(output.split('\n').filter((line) => NOISE.some((re) => re.test(line)))).toEqual([]);
}

// Each run starts a sandbox of its own (dev server, emulators, worker): both run at once.
describe('finetune sandbox: a pipeline that fails', () => {
  let json: Ran;
  let terminal: Ran;
  beforeAll(async () => {
    [json, terminal] = await Promise.all([sandbox(['--json', ...COMMON]), sandbox(COMMON)]);
  });

  it('--json: one JSON result with the failure once, nothing else printed, exit code 2', () => {
    expect(json.code).toBe(2);
    expectNoSdkNoise(json.stdout + json.stderr);
    expect(json.stderr).toBe('');
    const lines = json.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as SandboxResult;
    expect(result.status).toBe('failed');
    expect(result.stage).toBe('failed');
    expect(result.jobId).toMatch(/^ftjob-/);
    // What failed (the job), why (training_failed at a step), what to do (start a new job).
    expect(result.error).toMatch(FAILURE);
    expect(result.error).toContain(result.jobId!);
    expect(result.error).toMatch(/Start a new job/);
    expect(json.stdout.match(FAILURE)).toHaveLength(1);
  });

  it('on a terminal: progress, the failure once in the status block, a closing line, exit code 2', () => {
    expect(terminal.code).toBe(2);
    const output = terminal.stdout + terminal.stderr;
    expectNoSdkNoise(output);
    expect(output.match(FAILURE)).toHaveLength(1);
    expect(terminal.stderr).toMatch(
      /^error {5}Fine-tuning job ftjob-\S+ failed: training_failed:/m,
    );
    expect(terminal.stderr).toMatch(
      /^FAILED in [\d.]+ s: pipeline sandbox-\S+ failed; the "error" line above says why\.$/m,
    );
    expect(terminal.stderr).toMatch(/run the sandbox with --keep/);
  });
});
