import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/runCli.js';

const SAMPLE = join(ROOT, 'data/sample/train.jsonl');
const VALID = join(ROOT, 'data/sample/valid.jsonl');
const FIXTURES = join(ROOT, 'test/fixtures/datasets');
// Nothing listens here: a command that tried to reach Temporal would fail with "Cannot connect".
const NO_SERVER = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-validate-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('finetune validate', () => {
  it('exits 1 on invalid.jsonl, listing every error with its line number', async () => {
    const r = await runCli(['validate', join(FIXTURES, 'invalid.jsonl')], { env: NO_SERVER });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/invalid\.jsonl: 9 error\(s\)/);
    for (const line of [3, 4, 7, 8, 9, 10, 11, 12, 13])
      expect(r.stdout).toMatch(new RegExp(`^ {2}error {4}line ${line}[ :]`, 'm'));
    expect(r.stdout).toMatch(/^ {2}error {4}line 4 is not valid JSON/m);
    expect(r.stdout).toMatch(/^ {2}warning {2}line 6 is blank/m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 0 on the bundled sample, with tokens and cost', async () => {
    const r = await runCli(['validate', SAMPLE, '--validation', VALID], { env: NO_SERVER });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train\.jsonl: ok — a supervised chat dataset of 20 example\(s\)/);
    expect(r.stdout).toMatch(/^ {2}tokens {3}[\d,]+ in 20 example\(s\)/m);
    expect(r.stdout).toMatch(/^ {2}cost {5}~\$\d+\.\d\d: [\d,]+ trained tokens/m);
    expect(r.stdout).toMatch(/valid\.jsonl: ok — a supervised chat dataset of 6 example\(s\)/);
  });

  it('--json prints the full reports', async () => {
    const r = await runCli(['validate', SAMPLE, join(FIXTURES, 'invalid.jsonl'), '--json'], {
      env: NO_SERVER,
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      files: { path: string; ok: boolean; errors: { line: number }[]; tokens: unknown }[];
    };
    expect(out.ok).toBe(false);
    expect(out.files.map((f) => f.ok)).toEqual([true, false]);
    expect(out.files[1]!.errors.map((e) => e.line)).toEqual([3, 4, 7, 8, 9, 10, 11, 12, 13]);
    expect(out.files[0]!.tokens).toMatchObject({ encoding: 'o200k_base' });
  });

  it(
    '--method and --model are the job’s: a DPO file for a supervised job says so',
    { timeout: 90_000 },
    async () => {
      const dpo = join(FIXTURES, 'dpo.jsonl');
      const wrong = await runCli(['validate', dpo], { env: NO_SERVER });
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toContain(
        'line 1 is a DPO example (input/preferred_output/non_preferred_output) but --method is supervised; use --method dpo',
      );
      const right = await runCli(['validate', dpo, '--method', 'dpo'], { env: NO_SERVER });
      expect(right.code).toBe(0);
      const reverse = await runCli(['validate', SAMPLE, '--method', 'dpo'], { env: NO_SERVER });
      expect(reverse.stdout).toContain(
        'line 1 is a supervised chat example (messages ending with the assistant reply) but --method is dpo; use --method supervised',
      );
    },
  );

  it('a UTF-16 file gets one message naming its encoding', async () => {
    const path = join(dir, 'utf16.jsonl');
    const text = await readFile(SAMPLE, 'utf8');
    await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await runCli(['validate', path], { env: NO_SERVER });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/utf16\.jsonl: 1 error\(s\) — not a dataset we recognise/);
    expect(r.stdout).toMatch(
      /^ {2}error {4}This looks like a UTF-16 LE text file.*save it as UTF-8/m,
    );
    expect(r.stdout.match(/^ {2}error/gm)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/unknown dataset/);
  });

  it('a missing file is an error, not a stack trace', async () => {
    const r = await runCli(['validate', join(dir, 'nope.jsonl')], { env: NO_SERVER });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/nope\.jsonl: cannot read it \(no such file\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('finetune start refuses bad input before it connects anywhere', () => {
  const start = ['start', '--model', 'gpt-4.1-mini-2025-04-14', '--address', '127.0.0.1:1'];

  it('an invalid dataset: the report and a non-zero exit, nothing started', async () => {
    const r = await runCli([...start, '--training', join(FIXTURES, 'invalid.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}error {4}line 4 is not valid JSON/m);
    expect(r.stderr).toMatch(/error: Nothing was started: the dataset would fail validation/);
    expect(r.stderr).not.toMatch(/Cannot connect/);
    expect(r.stdout).toBe('');
  });

  it('checks the validation file with the given method too', async () => {
    const r = await runCli([
      ...start,
      '--training',
      SAMPLE,
      '--validation',
      join(FIXTURES, 'dpo.jsonl'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dpo\.jsonl: 1 error\(s\)/);
    expect(r.stderr).toContain('line 1 is a DPO example');
    expect(r.stderr).not.toMatch(/Cannot connect/);
  });

  it('a missing file names --no-local-check', async () => {
    const r = await runCli([...start, '--training', join(dir, 'missing.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no such file here.*--no-local-check/);
  });

  it('--epochs 1.5 is refused by type', async () => {
    const r = await runCli([...start, '--training', SAMPLE, '--epochs', '1.5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /'--epochs <n\|auto>' argument '1\.5' is invalid\. must be a positive integer/,
    );
    expect(r.stderr).not.toMatch(/Cannot connect/);
  });

  // The client retries a refused connection for about 10 s before it gives up.
  it(
    '--no-local-check skips the checks (and only then reaches for the server)',
    { timeout: 90_000 },
    async () => {
      const r = await runCli([
        ...start,
        '--training',
        join(FIXTURES, 'invalid.jsonl'),
        '--no-local-check',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Cannot connect to Temporal \(127\.0\.0\.1:1\)/);
    },
  );

  it(
    'a valid dataset passes the check, and then the server is needed',
    { timeout: 90_000 },
    async () => {
      const r = await runCli([...start, '--training', SAMPLE, '--validation', VALID]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^training .*train\.jsonl: ok, 20 example\(s\)/m);
      expect(r.stderr).toMatch(/Cannot connect to Temporal/);
    },
  );
});

describe('other flags are checked by type', () => {
  it('status --interval abc and webhook --port 99999', async () => {
    const status = await runCli(['status', 'wf-1', '--interval', 'abc'], { env: NO_SERVER });
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/'--interval <seconds>' argument 'abc' is invalid/);
    const webhook = await runCli(['webhook', '--port', '99999'], {
      env: { ...NO_SERVER, OPENAI_WEBHOOK_SECRET: 'whsec_x' },
    });
    expect(webhook.code).toBe(1);
    expect(webhook.stderr).toMatch(/'--port <n>' argument '99999' is invalid/);
  });
});
