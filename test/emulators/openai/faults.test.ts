import { spawn } from 'node:child_process';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chatJsonl,
  FAST,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ ...FAST, apiKey: 'sk-only-this-key' });
});
afterAll(() => t.close());
afterEach(() => t.emulator.setFaults(undefined));

const filesListed = () => t.emulator.stats().requests['GET /v1/files'] ?? 0;

describe('injected faults', () => {
  it('answers 429 with retry-after, and the client waits that long before retrying', async () => {
    t.emulator.setFaults({ rate429: 1, retryAfterSeconds: 1, maxFaults: 1 });
    const before = filesListed();
    const started = Date.now();
    const page = await t.clientWith({ maxRetries: 2 }).files.list();
    expect(Array.isArray(page.data)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(filesListed() - before).toBe(2);
  });

  it('gives the client a RateLimitError with the code, headers and request id when retries run out', async () => {
    t.emulator.setFaults({ rate429: 1, retryAfterSeconds: 3 });
    const err = await t.client.files.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.headers?.get('retry-after')).toBe('3');
    expect(e.requestID).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('answers 500, which the client retries', async () => {
    t.emulator.setFaults({ rate5xx: 1, maxFaults: 1 });
    await expect(t.client.files.list()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    t.emulator.setFaults({ rate5xx: 1, maxFaults: 1 });
    const page = await t.clientWith({ maxRetries: 1 }).files.list();
    expect(Array.isArray(page.data)).toBe(true);
  });

  it('drops connections, which the client sees as connection errors and retries', async () => {
    t.emulator.setFaults({ rateReset: 1, maxFaults: 1 });
    await expect(t.client.files.list()).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    t.emulator.setFaults({ rateReset: 1, maxFaults: 1 });
    const page = await t.clientWith({ maxRetries: 1 }).files.list();
    expect(Array.isArray(page.data)).toBe(true);
  });

  it('adds latency, only to the paths asked for', async () => {
    t.emulator.setFaults({ latencyMs: 500, onlyPaths: /\/fine_tuning\// });
    let started = Date.now();
    await t.client.files.list();
    expect(Date.now() - started).toBeLessThan(400);
    started = Date.now();
    await t.client.fineTuning.jobs.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
  });

  it('injects the same faults into the same requests for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const own = await startTestEmulator({ ...FAST, seed, faults: { rate429: 0.5 } });
      const results: number[] = [];
      for (let i = 0; i < 16; i++) {
        results.push(
          await own.client.files.list().then(
            () => 200,
            (e: InstanceType<typeof OpenAI.APIError>) => e.status ?? 0,
          ),
        );
      }
      await own.close();
      return results;
    };
    const [a, b, c] = [await outcomes(5), await outcomes(5), await outcomes(6)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toContain(429);
    expect(a).toContain(200);
  });
});

describe('errors and headers like the real API', () => {
  it('accepts only the configured key, without echoing it back', async () => {
    const err = await t
      .clientWith({ apiKey: 'sk-wrong-key-1234' })
      .files.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(e.code).toBe('invalid_api_key');
    expect(e.message).not.toContain('sk-wrong-key-1234');
  });

  it('does not retry training_not_available', async () => {
    const file = await uploadJsonl(t.client, chatJsonl(10));
    t.emulator.setTrainingNotAvailable(true);
    try {
      const before = t.emulator.stats().requests['POST /v1/fine_tuning/jobs'] ?? 0;
      await expect(
        t
          .clientWith({ maxRetries: 2 })
          .fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id }),
      ).rejects.toMatchObject({ status: 403, code: 'training_not_available' });
      expect((t.emulator.stats().requests['POST /v1/fine_tuning/jobs'] ?? 0) - before).toBe(1);
    } finally {
      t.emulator.setTrainingNotAvailable(false);
    }
  });

  it('answers an unknown path with Invalid URL', async () => {
    await expect(t.client.get('/fine_tuning/nothing')).rejects.toThrow(
      'Invalid URL (GET /v1/fine_tuning/nothing)',
    );
  });

  it('accepts and ignores organization, project, idempotency and Stainless headers', async () => {
    const client = t.clientWith({
      organization: 'org-abc',
      project: 'proj_abc',
      defaultHeaders: { 'X-Stainless-Custom': '1' },
    });
    const file = await uploadJsonl(client, chatJsonl(10));
    const job = await client.fineTuning.jobs.create(
      { model: 'gpt-4.1-mini', training_file: file.id },
      { idempotencyKey: 'stainless-node-retry-1', headers: { 'Idempotency-Key': 'abc' } },
    );
    expect(job.status).toBe('validating_files');
    await client.fineTuning.jobs.cancel(job.id);
  });

  it('answers malformed JSON in the API error shape', async () => {
    const err = await t.client
      .post('/uploads', { body: '{"bytes": ', headers: { 'Content-Type': 'application/json' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(
      'could not parse the JSON body',
    );
  });
});

describe('close()', () => {
  it('leaves no timer that keeps the process alive', async () => {
    const script = join(import.meta.dirname, 'support', 'closeAndExit.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let out = '';
    let closedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('closed') && !closedAt) closedAt = Date.now();
    });
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (c) => {
        clearTimeout(kill);
        resolve(c);
      });
    });
    expect(out).toContain('closed');
    expect(code).toBe(0);
    expect(Date.now() - closedAt).toBeLessThan(2_000);
  });
});
