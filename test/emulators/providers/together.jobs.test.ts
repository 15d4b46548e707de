import { join } from 'node:path';
import { statSync } from 'node:fs';
import Together from 'together-ai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startTogetherEmulator,
  type RunningTogetherEmulator,
} from '../../../src/emulators/together/index.js';
import { runKey } from '../../../src/providers/shared/runKey.js';
import { togetherProvider, type TogetherProvider } from '../../../src/providers/together/index.js';
import type { CreateContext, CreateJobInput } from '../../../src/providers/types.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'data', 'sample', 'train.jsonl');
const KEY = 'together-provider-test';
const MODEL = 'Qwen/Qwen3-8B';

let emulator: RunningTogetherEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function world(): Promise<{ p: TogetherProvider; api: Together; fileId: string }> {
  emulator = await startTogetherEmulator({ apiKey: KEY, timeScale: 1000, seed: 3 });
  const p = togetherProvider({
    apiKey: KEY,
    baseURL: emulator.baseURL,
    projectId: emulator.identity.projectId,
    relistDelayMs: 0,
  });
  const api = new Together({ apiKey: KEY, baseURL: emulator.baseURL, maxRetries: 0 });
  const ctx = {
    heartbeat() {},
    log() {},
    checkpoint() {},
    multipartThresholdBytes: 1e9,
    partSizeBytes: 1e7,
  };
  const { fileId } = await p.files.upload(
    { path: DATA, name: 'train.jsonl', bytes: statSync(DATA).size },
    ctx,
  );
  for (;;) {
    const r = await p.files.readiness(fileId);
    if (r.state === 'ready') break;
    if (r.state === 'invalid') throw new Error(r.detail);
    await new Promise((res) => setTimeout(res, 20));
  }
  return { p, api, fileId };
}

const run = (fileId: string, runId = 'run-1'): CreateJobInput => ({
  workflowId: 'wf-together',
  runId,
  model: MODEL,
  trainingFileId: fileId,
  suffix: 'once',
});

const ctx = (resumed?: boolean): CreateContext & { logs: string[] } => {
  const logs: string[] = [];
  const firstAttemptAt = Math.floor(Date.now() / 1000) - 60;
  return {
    logs,
    heartbeat() {},
    log: (m) => logs.push(m),
    firstAttemptAt,
    ...(resumed ? { resumed: { firstAttemptAt } } : {}),
  };
};

const statuses = async (api: Together) =>
  Object.fromEntries((await api.fineTuning.list()).data.map((j) => [j.id, j.status]));

describe('Together: one job per pipeline run, without metadata', () => {
  it('a lost answer to the create is not sent again by the SDK; the retry adopts the job it made', async () => {
    const { p, api, fileId } = await world();
    emulator!.setFaults({
      rateLoseAnswer: 1,
      onlyPaths: /^\/v1\/fine-tunes$/,
      onlyMethods: ['POST'],
      maxFaults: 1,
    });
    await expect(p.jobs.create(run(fileId), ctx())).rejects.toThrow(/could not reach Together/);
    // The SDK's retries are off for the create: the lost answer made exactly one job.
    expect(Object.keys(await statuses(api))).toHaveLength(1);
    const retry = ctx(true);
    const job = await p.jobs.create(run(fileId), retry);
    expect(Object.keys(await statuses(api))).toEqual([job.jobId]);
    expect(retry.logs).toContain('job already created by an earlier attempt');
  });

  it('duplicates of the run (an SDK retry, a stale attempt) are cancelled before they train; the earliest is kept', async () => {
    const { p, api, fileId } = await world();
    const suffix = `once-${runKey('wf-together', 'run-1')}`;
    const first = await api.fineTuning.create({ model: MODEL, training_file: fileId, suffix });
    const second = await api.fineTuning.create({ model: MODEL, training_file: fileId, suffix });
    const job = await p.jobs.create(run(fileId), ctx(true));
    expect(job.jobId).toBe(first.id);
    const now = await statuses(api);
    expect(now[first.id]).not.toMatch(/cancel/);
    expect(now[second.id]).toMatch(/^cancel/);
    expect(Object.keys(now)).toHaveLength(2);
  });

  it("never adopts or cancels another run's job, even with the same file, model and suffix", async () => {
    const { p, api, fileId } = await world();
    const other = await p.jobs.create(run(fileId, 'run-other'), ctx());
    const mine = await p.jobs.create(run(fileId), ctx(true));
    expect(mine.jobId).not.toBe(other.jobId);
    const now = await statuses(api);
    expect(now[other.jobId]).not.toMatch(/cancel/);
    expect(now[mine.jobId]).not.toMatch(/cancel/);
    // Each run finds its own.
    expect(await p.jobs.findForRun({ ...run(fileId), runId: 'run-other' })).toBe(other.jobId);
    expect(await p.jobs.findForRun(run(fileId))).toBe(mine.jobId);
  });
});
