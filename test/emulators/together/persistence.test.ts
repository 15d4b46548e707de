import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  chatJsonl,
  eventually,
  startTestEmulator,
  trainedJob,
  uploadMultipart,
  type TestEmulator,
} from './support/harness.js';

// The Together emulator with a state folder (the sandbox's `.sandbox/together`): stopped and
// started again, it still has the files, the jobs (a finished one as it ended, one stopped
// mid-training trains on), the endpoints and their deployments (serving, billed again), the key's
// identity and what its models learned; its ids go on without a clash, even with a seed.

type Json = Record<string, unknown>;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'together-state-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Training long enough (1.5 s) to stop the emulator while a job is mid-way. */
const SLOW = { timeScale: 2000, steps: 12, seed: 3, durations: { runningMs: 3_000_000 } };

const chat = (t: TestEmulator, model: string, content: string) =>
  call(t, 'POST', '/v1/chat/completions', {
    body: { model, messages: [{ role: 'user', content }] },
  });

/** The model's answers to the twenty training prompts of `chatJsonl(20)`. */
async function answersOf(t: TestEmulator, model: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = (await chat(t, model, `What is ${i} + ${i}?`)).json as {
      choices: { message: { content: string } }[];
    };
    out.push(res.choices[0]!.message.content);
  }
  return out;
}

describe('Together emulator state between runs', () => {
  it('keeps files, jobs, endpoints and deployments, and goes on where it stopped', async () => {
    const stateDir = join(dir, 'together');
    const first = await startTestEmulator({ ...SLOW, stateDir });
    const done = await trainedJob(first);
    const who = (await call(first, 'GET', '/v1/whoami')).json as Json;
    const p = `/v2/projects/${who.project_id as string}`;
    const slug = who.project_slug as string;
    // A deployment of the finished job, serving behind its endpoint.
    const modelRef = `projects/${who.project_id as string}/models/${done.model_object_id as string}`;
    const config = (
      (await call(first, 'GET', `${p}/configs?referenceModel=${encodeURIComponent(modelRef)}`))
        .json as { data: Json[] }
    ).data[0]!;
    const ep = (await call(first, 'POST', `${p}/endpoints`, { body: { name: 'kept' } }))
      .json as Json;
    const dep = (
      await call(first, 'POST', `${p}/endpoints/${ep.id as string}/deployments`, {
        body: {
          name: 'blue',
          model: modelRef,
          config: `projects/${who.project_id as string}/configs/${config.id as string}`,
          autoscaling: { minReplicas: 1, maxReplicas: 1 },
        },
      })
    ).json as Json;
    const depPath = `${p}/endpoints/${ep.id as string}/deployments/${dep.id as string}`;
    const depState = async (t: TestEmulator) =>
      ((await call(t, 'GET', depPath)).json as { status: { state: string } }).status.state;
    await eventually('READY', async () =>
      (await depState(first)) === 'DEPLOYMENT_STATE_READY' ? true : undefined,
    );
    const current = (await call(first, 'GET', `${p}/endpoints/${ep.id as string}`)).json as Json;
    await call(first, 'PATCH', `${p}/endpoints/${ep.id as string}`, {
      body: { etag: current.etag, trafficSplit: [{ deploymentId: dep.id, weight: 1 }] },
    });
    const before = await answersOf(first, `${slug}/kept`);
    expect(before.filter((a, i) => a === `${i + i}.`).length).toBeGreaterThanOrEqual(10);
    // A second job, stopped a few steps into its training.
    const midway = (
      await call(first, 'POST', '/v1/fine-tunes', {
        body: { training_file: done.training_file, model: done.model, suffix: 'midway' },
      })
    ).json as Json;
    const stepsBefore = await eventually('a few training steps', () => {
      const j = first.emulator.job(midway.id as string);
      return j && j.stepsDone >= 2 && j.status === 'running' ? j.stepsDone : undefined;
    });
    const filesBefore = ((await call(first, 'GET', '/v1/files')).json as { data: Json[] }).data;
    await first.close();

    const second = await startTestEmulator({ ...SLOW, stateDir });
    try {
      expect(second.emulator.identity).toEqual(first.emulator.identity);
      expect(((await call(second, 'GET', '/v1/files')).json as { data: Json[] }).data).toEqual(
        filesBefore,
      );
      const again = (await call(second, 'GET', `/v1/fine-tunes/${done.id as string}`)).json as Json;
      expect(again).toMatchObject({
        status: 'completed',
        model_output_name: done.model_output_name,
      });
      // Serving as it was: the deployment still READY, the endpoint answers as before, billed.
      expect(await depState(second)).toBe('DEPLOYMENT_STATE_READY');
      expect(await answersOf(second, `${slug}/kept`)).toEqual(before);
      expect(second.emulator.servingCharges().find((c) => c.id === dep.id)).toMatchObject({
        running: true,
      });
      // The job stopped mid-way trains on from its steps, to the end.
      const resumed = second.emulator.job(midway.id as string)!;
      expect(resumed.stepsDone).toBeGreaterThanOrEqual(stepsBefore);
      const finished = await eventually('the resumed job to complete', async () => {
        const j = (await call(second, 'GET', `/v1/fine-tunes/${midway.id as string}`)).json as Json;
        return j.status === 'completed' ? j : undefined;
      });
      expect(finished.total_price).toBeGreaterThan(0);
      // New ids do not repeat saved ones, though the seed is the same.
      const added = (await uploadMultipart(second, chatJsonl(5))).json as Json;
      expect(filesBefore.map((f) => f.id)).not.toContain(added.id);
      const ep2 = (await call(second, 'POST', `${p}/endpoints`, { body: { name: 'new' } }))
        .json as Json;
      expect(ep2.id).not.toBe(ep.id);
    } finally {
      await second.close();
    }
  });
});
