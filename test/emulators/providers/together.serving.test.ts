import { join } from 'node:path';
import { statSync } from 'node:fs';
import Together from 'together-ai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startTogetherEmulator,
  type RunningTogetherEmulator,
} from '../../../src/emulators/together/index.js';
import { togetherProvider, type TogetherProvider } from '../../../src/providers/together/index.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'data', 'sample', 'train.jsonl');
const KEY = 'together-serving-test';

let emulator: RunningTogetherEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A provider on a fresh emulator, and one completed fine-tune to serve. */
async function trained(
  options: Parameters<typeof startTogetherEmulator>[0] = {},
): Promise<{ p: TogetherProvider; v2: Together; model: string }> {
  emulator = await startTogetherEmulator({ apiKey: KEY, timeScale: 2000, seed: 5, ...options });
  const p = togetherProvider({
    apiKey: KEY,
    baseURL: emulator.baseURL,
    projectId: emulator.identity.projectId,
    endpoints: { pollMs: 50, timeoutMs: 20_000 },
    relistDelayMs: 0,
  });
  const v2 = new Together({
    apiKey: KEY,
    baseURL: `${emulator.url}/v2`,
    projectID: emulator.identity.projectId,
    maxRetries: 0,
  });
  const up = {
    heartbeat() {},
    log() {},
    checkpoint() {},
    multipartThresholdBytes: 1e9,
    partSizeBytes: 1e7,
  };
  const { fileId } = await p.files.upload(
    { path: DATA, name: 'train.jsonl', bytes: statSync(DATA).size },
    up,
  );
  while ((await p.files.readiness(fileId)).state !== 'ready')
    await new Promise((r) => setTimeout(r, 20));
  const at = Math.floor(Date.now() / 1000) - 60;
  const job = await p.jobs.create(
    { workflowId: 'wf-s', runId: 'r-1', model: 'Qwen/Qwen3-8B', trainingFileId: fileId },
    { heartbeat() {}, log() {}, firstAttemptAt: at },
  );
  for (;;) {
    const s = await p.jobs.retrieve(job.jobId, { metrics: false });
    if (s.status === 'succeeded') return { p, v2, model: s.fineTunedModel! };
    if (s.status === 'failed') throw new Error('training failed');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const endpointNames = async (v2: Together) => {
  const names: string[] = [];
  for await (const e of v2.beta.endpoints.list({})) names.push(e.name);
  return names;
};

describe('Together: dedicated endpoints', () => {
  it('serves a fine-tune on an endpoint that answers, with its hardware and cost per hour; stops it; starts it again', async () => {
    const { p, v2, model } = await trained();
    const record = await p.serve({ model, purpose: 'production', name: 'ft-abc' }, () => {});
    expect(record.servedAs).toBe('emulated-org/tf-ft-abc');
    expect(record.deployment).toMatchObject({ kind: 'dedicated-endpoint', capacity: 1 });
    expect(record.deployment!.costPerHourUsd).toBeGreaterThan(0);
    const answer = await p.chat({
      model: record.servedAs,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.content).not.toBe('');
    const [running] = await p.servingStates([record]);
    expect(running).toMatchObject({ state: 'running' });
    expect(running!.costPerHourUsd).toBe(record.deployment!.costPerHourUsd);

    await p.unserve(record);
    const [stopped] = await p.servingStates([record]);
    expect(stopped!.state).toMatch(/stopp/);
    expect(stopped!.costPerHourUsd).toBe(0);
    // A production endpoint is stopped, not removed: a rollback starts it again.
    expect(await endpointNames(v2)).toEqual([record.servedAs]);
    const again = await p.serve({ model, purpose: 'production', name: 'ft-abc' }, () => {});
    expect(again.deployment!.deploymentId).toBe(record.deployment!.deploymentId);
    expect((await p.servingStates([again]))[0]!.state).toBe('running');
  });

  it('an eval endpoint is removed altogether after use, and swept when a crashed gate left it', async () => {
    const { p, v2, model } = await trained();
    const evalRecord = await p.serve(
      { model, purpose: 'eval', name: 'ft-abc-candidate' },
      () => {},
    );
    expect(evalRecord.servedAs).toBe('emulated-org/tf-eval-ft-abc-candidate');
    await p.unserve(evalRecord);
    expect(await endpointNames(v2)).toEqual([]);

    await p.serve({ model, purpose: 'eval', name: 'ft-left' }, () => {});
    await p.serve({ model, purpose: 'production', name: 'ft-prod' }, () => {});
    expect(await p.sweepEvalServing(60_000)).toEqual([]); // not older than its budget yet
    expect(await p.sweepEvalServing(0)).toEqual(['tf-eval-ft-left']);
    expect(await endpointNames(v2)).toEqual(['emulated-org/tf-ft-prod']);
  });

  it('an endpoint that fails to start fails serving at once, naming the setting, and bills nothing', async () => {
    const { p, model } = await trained({ serving: { failStart: () => true } });
    await expect(
      p.serve({ model, purpose: 'production', name: 'ft-bad' }, () => {}),
    ).rejects.toThrow(/did not start.*TOGETHER_ENDPOINT_HARDWARE/);
    expect(emulator!.servingCharges().every((c) => !c.running)).toBe(true);
  });
});
