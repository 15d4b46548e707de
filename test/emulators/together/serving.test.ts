import { afterEach, describe, expect, it } from 'vitest';
import {
  call,
  eventually,
  sleep,
  startTestEmulator,
  trainedJob,
  type TestEmulator,
} from './support/harness.js';

type Json = Record<string, unknown>;
const H100 = '1x_nvidia_h100_80gb_sxm';

const chat = (t: TestEmulator, model: string, content = 'What is 3 + 3?') =>
  call(t, 'POST', '/v1/chat/completions', {
    body: { model, messages: [{ role: 'user', content }] },
  });

/** Of the 20 training prompts (harness chatJsonl), how many a model answers with the trained reply. */
async function trainedAnswers(t: TestEmulator, model: string): Promise<number> {
  let exact = 0;
  for (let i = 0; i < 20; i++) {
    const res = (await chat(t, model, `What is ${i} + ${i}?`)).json as {
      choices: { message: { content: string } }[];
    };
    if (res.choices[0]!.message.content === `${i + i}.`) exact++;
  }
  return exact;
}

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('v1 dedicated endpoints, retired for creation (facts sheet §7.2)', () => {
  it('refuses a new endpoint with 403 endpoints_v1_create_access_disabled; legacy ones list, serve, stop, but do not start again', async () => {
    t = await startTestEmulator({
      timeScale: 2000,
      steps: 12,
      serving: {
        legacyV1Endpoints: [
          { model: 'Qwen/Qwen3-8B', hardware: H100, state: 'STARTED' },
          { model: 'Qwen/Qwen3-8B', hardware: H100, state: 'STOPPED' },
        ],
      },
    });
    // The description still documents creation (200 DedicatedEndpoint); Together's own skill
    // reports 403 since mid-2026, and that is what the emulator answers.
    const create = await call(t, 'POST', '/v1/endpoints', {
      body: {
        model: 'Qwen/Qwen3-8B',
        hardware: H100,
        autoscaling: { min_replicas: 1, max_replicas: 1 },
      },
    });
    expect(create.status).toBe(403);
    expect((create.json as { error: Json }).error.code).toBe('endpoints_v1_create_access_disabled');

    const dedicated = (
      (await call(t, 'GET', '/v1/endpoints?type=dedicated')).json as { data: Json[] }
    ).data;
    expect(dedicated.map((e) => e.state)).toEqual(['STARTED', 'STOPPED']);
    const all = ((await call(t, 'GET', '/v1/endpoints')).json as { data: Json[] }).data;
    expect(all.filter((e) => e.type === 'serverless').map((e) => e.model)).toContain(
      'Qwen/Qwen3-8B',
    );
    const [running, stopped] = dedicated as [Json, Json];

    const served = await chat(t, running.name as string);
    expect(served.status).toBe(200);
    expect((served.json as Json).model).toBe(running.name);
    const restart = await call(t, 'PATCH', `/v1/endpoints/${stopped.id as string}`, {
      body: { state: 'STARTED' },
    });
    expect(restart.status).toBe(403);

    const stopping = await call(t, 'PATCH', `/v1/endpoints/${running.id as string}`, {
      body: { state: 'STOPPED' },
    });
    expect((stopping.json as Json).state).toBe('STOPPING');
    await eventually(
      'STOPPED',
      async () =>
        ((await call(t!, 'GET', `/v1/endpoints/${running.id as string}`)).json as Json).state ===
          'STOPPED' || undefined,
    );
    expect((await chat(t, running.name as string)).status).toBe(503);
    const charge = t.emulator.servingCharges().find((c) => c.id === running.id)!;
    expect(charge).toMatchObject({ api: 'v1', running: false, hardware: H100 });
    expect(charge.minutes).toBeGreaterThanOrEqual(1);

    const gone = await t.recorder.fetch(`${t.emulator.url}/v1/endpoints/${stopped.id as string}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer tgp_v1_emulator-test-key` },
    });
    expect(gone.status).toBe(204);
    expect((await call(t, 'GET', `/v1/endpoints/${stopped.id as string}`)).status).toBe(404);
  });

  it('lists hardware with prices per minute; for a model, only what can host it, with availability; 404 for what nothing can host', async () => {
    t = await startTestEmulator();
    const all = ((await call(t, 'GET', '/v1/hardware')).json as { data: Json[] }).data;
    expect(all.find((h) => h.id === H100)).toMatchObject({
      pricing: { cents_per_minute: 6.65 },
      specs: { gpu_count: 1 },
    });
    expect(all[0]).not.toHaveProperty('availability');
    const forModel = (
      (await call(t, 'GET', '/v1/hardware?model=Qwen/Qwen3-8B')).json as { data: Json[] }
    ).data;
    expect(forModel.map((h) => h.id).sort()).toEqual(['1x_nvidia_a100_80gb_sxm', H100]);
    expect(forModel.every((h) => (h.availability as Json).status === 'available')).toBe(true);
    expect(
      (await call(t, 'GET', '/v1/hardware?model=meta-llama/Llama-3.3-70B-Instruct-Turbo')).status,
    ).toBe(404);
    expect((await call(t, 'GET', '/v1/hardware?model=acme/unknown')).status).toBe(404);
  });
});

describe('v1 dedicated endpoints where creation is available (the description)', () => {
  it('starts a fine-tune: PENDING → STARTING → STARTED, serves it, bills per minute, stops, starts again, deletes; or ends in ERROR', async () => {
    t = await startTestEmulator({
      timeScale: 2000,
      steps: 12,
      seed: 11, // names, and so which prompts a model answers exactly, repeat
      // Twenty minutes to start: 60 ms PENDING and 540 ms STARTING here, long enough to watch.
      durations: { endpointStartMs: 20 * 60_000 },
      serving: {
        v1Create: 'available',
        failStart: ({ hardware }) => hardware === '1x_nvidia_a100_80gb_sxm',
      },
    });
    const job = await trainedJob(t);
    const model = job.model_output_name as string;
    expect((await call(t, 'GET', `/v1/hardware?model=${encodeURIComponent(model)}`)).status).toBe(
      200,
    );
    const created = await call(t, 'POST', '/v1/endpoints', {
      body: {
        model,
        hardware: H100,
        display_name: 'bot',
        autoscaling: { min_replicas: 2, max_replicas: 3 },
      },
    });
    expect(created.status).toBe(200);
    const e = created.json as Json;
    expect(e).toMatchObject({
      object: 'endpoint',
      type: 'dedicated',
      state: 'PENDING',
      display_name: 'bot',
      model,
    });
    expect(e.id).toMatch(/^endpoint-[0-9a-f-]{36}$/);
    const seen: string[] = [e.state as string];
    await eventually('STARTED', async () => {
      const state = ((await call(t!, 'GET', `/v1/endpoints/${e.id as string}`)).json as Json)
        .state as string;
      if (seen.at(-1) !== state) seen.push(state);
      return state === 'STARTED' || undefined;
    });
    expect(seen).toEqual(['PENDING', 'STARTING', 'STARTED']);
    // The endpoint serves the fine-tune, which knows its training data better than a base does.
    const tuned = await trainedAnswers(t, e.name as string);
    expect(tuned).toBeGreaterThan(await trainedAnswers(t, 'Qwen/Qwen3-8B'));
    expect(tuned).toBeGreaterThanOrEqual(10);

    await sleep(60);
    const charge = t.emulator.servingCharges().find((c) => c.id === e.id)!;
    expect(charge.running).toBe(true);
    // Two replicas of an H100 at 399 cents an hour, for every minute billed.
    expect(charge.cents).toBeCloseTo(charge.minutes * 2 * (399 / 60), 1);
    expect(charge.minutes).toBeGreaterThan(1);

    await call(t, 'PATCH', `/v1/endpoints/${e.id as string}`, { body: { state: 'STOPPED' } });
    await eventually(
      'STOPPED',
      async () =>
        ((await call(t!, 'GET', `/v1/endpoints/${e.id as string}`)).json as Json).state ===
          'STOPPED' || undefined,
    );
    const billed = t.emulator.servingCharges().find((c) => c.id === e.id)!;
    await sleep(60);
    expect(t.emulator.servingCharges().find((c) => c.id === e.id)).toEqual(billed);
    const again = await call(t, 'PATCH', `/v1/endpoints/${e.id as string}`, {
      body: { state: 'STARTED' },
    });
    expect((again.json as Json).state).toBe('PENDING');

    const failing = (
      await call(t, 'POST', '/v1/endpoints', {
        body: {
          model,
          hardware: '1x_nvidia_a100_80gb_sxm',
          autoscaling: { min_replicas: 1, max_replicas: 1 },
        },
      })
    ).json as Json;
    await eventually(
      'ERROR',
      async () =>
        ((await call(t!, 'GET', `/v1/endpoints/${failing.id as string}`)).json as Json).state ===
          'ERROR' || undefined,
    );
    expect((await chat(t, failing.name as string)).status).toBe(503);

    expect(
      (
        await call(t, 'POST', '/v1/endpoints', {
          body: {
            model,
            hardware: '8x_nvidia_h200_140gb_sxm',
            autoscaling: { min_replicas: 1, max_replicas: 1 },
          },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(t, 'POST', '/v1/endpoints', {
          body: {
            model: 'acme/unknown',
            hardware: H100,
            autoscaling: { min_replicas: 1, max_replicas: 1 },
          },
        })
      ).status,
    ).toBe(400);
  });
});

describe('v2 dedicated model inference (projects, endpoints, deployments)', () => {
  it('deploys a fine-tune by its ml_ id: PROVISIONING → READY, routes traffic by etag, scales, bills, stops, tears down in order', async () => {
    t = await startTestEmulator({ timeScale: 2000, steps: 12 });
    const job = await trainedJob(t);
    const who = (await call(t, 'GET', '/v1/whoami')).json as Json;
    expect(who).toMatchObject({
      project_id: t.emulator.identity.projectId,
      project_slug: t.emulator.identity.projectSlug,
    });
    const p = `/v2/projects/${who.project_id as string}`;
    const slug = who.project_slug as string;

    // The public hardware catalogue, priced per hour, needs no key.
    const types = await call(t, 'GET', '/v2/public/inference-instance-types', {
      headers: { authorization: '' },
    });
    expect(types.status).toBe(200);
    expect(
      ((types.json as { data: Json[] }).data.find((h) => h.id === H100) as Json).priceCentsPerHour,
    ).toBe(399);

    const modelRef = `projects/${who.project_id as string}/models/${job.model_object_id as string}`;
    const configs = (
      (await call(t, 'GET', `${p}/configs?referenceModel=${encodeURIComponent(modelRef)}`))
        .json as { data: Json[] }
    ).data;
    const config = configs.find((c) => (c.selectors as Json[]).some((s) => s.value === H100))!;
    expect(config.id).toMatch(/^cr_/);
    expect((await call(t, 'GET', `${p}/configs/${config.id as string}`)).json).toEqual(config);
    const h100 = await call(t, 'GET', `/v2/public/inference-instance-types/${H100}`);
    expect(h100.json).toMatchObject({ id: H100, gpuCount: 1, priceCentsPerHour: 399 });

    const ep = (await call(t, 'POST', `${p}/endpoints`, { body: { name: 'support-bot' } }))
      .json as Json;
    expect(ep).toMatchObject({
      name: `${slug}/support-bot`,
      deployments: [],
      trafficSplit: [],
      endpointType: 'ENDPOINT_TYPE_DEDICATED',
    });
    expect(ep.id).toMatch(/^ep_/);
    expect(
      (await call(t, 'POST', `${p}/endpoints`, { body: { name: 'support-bot' } })).status,
    ).toBe(409);
    expect((await call(t, 'POST', `${p}/endpoints`, { body: { name: 'Not A Name' } })).status).toBe(
      400,
    );
    expect(
      (await call(t, 'POST', '/v2/projects/proj_someone_else/endpoints', { body: { name: 'x' } }))
        .status,
    ).toBe(404);

    const deployBody = {
      name: 'blue',
      model: modelRef,
      config: `projects/${who.project_id as string}/configs/${config.id as string}`,
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
    };
    const dryRun = await call(
      t,
      'POST',
      `${p}/endpoints/${ep.id as string}/deployments?validateOnly=true`,
      { body: deployBody },
    );
    expect(dryRun.status).toBe(200);
    expect(
      (
        (await call(t, 'GET', `${p}/endpoints/${ep.id as string}/deployments`)).json as {
          data: Json[];
        }
      ).data,
    ).toEqual([]);
    const dep = (
      await call(t, 'POST', `${p}/endpoints/${ep.id as string}/deployments`, { body: deployBody })
    ).json as Json;
    expect(dep).toMatchObject({
      name: `${slug}/support-bot/blue`,
      hardware: H100,
      status: { state: 'DEPLOYMENT_STATE_PROVISIONING' },
    });
    expect(dep.model).toBe(`${modelRef}/revisions/${job.model_object_revision_id as string}`);
    const depPath = `${p}/endpoints/${ep.id as string}/deployments/${dep.id as string}`;
    const state = async () =>
      ((await call(t!, 'GET', depPath)).json as { status: { state: string } }).status.state;
    await eventually(
      'READY',
      async () => (await state()) === 'DEPLOYMENT_STATE_READY' || undefined,
    );

    // Ready is not routed: the endpoint serves once its traffic split names the deployment.
    expect((await chat(t, `${slug}/support-bot`)).status).toBe(503);
    const stale = await call(t, 'PATCH', `${p}/endpoints/${ep.id as string}`, {
      body: { etag: 'stale', trafficSplit: [{ deploymentId: dep.id, weight: 1 }] },
    });
    expect(stale.status).toBe(409);
    const current = (await call(t, 'GET', `${p}/endpoints/${ep.id as string}`)).json as Json;
    const routed = (
      await call(t, 'PATCH', `${p}/endpoints/${ep.id as string}`, {
        body: { etag: current.etag, trafficSplit: [{ deploymentId: dep.id, weight: 1 }] },
      })
    ).json as Json;
    expect(routed.etag).not.toBe(current.etag);
    expect((routed.deployments as Json[])[0]).toMatchObject({
      estimatedEffectiveTrafficShare: 1,
      readyReplicas: 1,
    });
    expect(await trainedAnswers(t, `${slug}/support-bot`)).toBeGreaterThanOrEqual(10);
    expect((await chat(t, `${slug}/support-bot/blue`)).status).toBe(200);

    const scaled = (
      await call(t, 'PATCH', depPath, { body: { autoscaling: { minReplicas: 2, maxReplicas: 2 } } })
    ).json as Json;
    expect((scaled.status as Json).state).toBe('DEPLOYMENT_STATE_SCALING');
    await eventually(
      'READY again',
      async () => (await state()) === 'DEPLOYMENT_STATE_READY' || undefined,
    );
    await sleep(60);
    const charge = t.emulator.servingCharges().find((c) => c.id === dep.id)!;
    expect(charge).toMatchObject({ api: 'v2', running: true });
    expect(charge.minutes).toBeGreaterThan(1);

    const stopping = (
      await call(t, 'PATCH', depPath, { body: { autoscaling: { minReplicas: 0, maxReplicas: 0 } } })
    ).json as Json;
    expect((stopping.status as Json).state).toBe('DEPLOYMENT_STATE_STOPPING');
    await eventually(
      'STOPPED',
      async () => (await state()) === 'DEPLOYMENT_STATE_STOPPED' || undefined,
    );
    expect((await chat(t, `${slug}/support-bot`)).status).toBe(503);
    const stopped = t.emulator.servingCharges().find((c) => c.id === dep.id)!;
    expect(stopped.running).toBe(false);
    await sleep(40);
    expect(t.emulator.servingCharges().find((c) => c.id === dep.id)).toEqual(stopped);

    // Teardown order (facts sheet §7.3): out of the split, then the deployment, then the endpoint.
    expect((await call(t, 'DELETE', depPath)).status).toBe(400);
    expect((await call(t, 'DELETE', `${p}/endpoints/${ep.id as string}`)).status).toBe(400);
    await call(t, 'PATCH', `${p}/endpoints/${ep.id as string}`, { body: { trafficSplit: [] } });
    expect(await call(t, 'DELETE', depPath)).toMatchObject({ status: 200, json: {} });
    expect(await call(t, 'DELETE', `${p}/endpoints/${ep.id as string}`)).toMatchObject({
      status: 200,
      json: {},
    });
    expect((await call(t, 'GET', `${p}/endpoints/${ep.id as string}`)).status).toBe(404);
  });

  it('pages lists by cursor and ends a deployment that fails to start in FAILED', async () => {
    t = await startTestEmulator({ timeScale: 2000, steps: 12, serving: { failStart: () => true } });
    const job = await trainedJob(t);
    const who = (await call(t, 'GET', '/v1/whoami')).json as Json;
    const p = `/v2/projects/${who.project_id as string}`;
    for (const name of ['a', 'b', 'c']) await call(t, 'POST', `${p}/endpoints`, { body: { name } });
    const first = (await call(t, 'GET', `${p}/endpoints?limit=2`)).json as {
      data: Json[];
      next_cursor: string;
    };
    expect(first.data).toHaveLength(2);
    expect(first.next_cursor).not.toBe('');
    const second = (await call(t, 'GET', `${p}/endpoints?limit=2&after=${first.next_cursor}`))
      .json as { data: Json[]; next_cursor: string };
    expect(second.data.map((e) => e.name)).toEqual([`${who.project_slug as string}/c`]);
    expect(second.next_cursor).toBe('');
    const named = (await call(t, 'GET', `${p}/endpoints?filter=${encodeURIComponent('name="b"')}`))
      .json as { data: Json[] };
    expect(named.data).toHaveLength(1);

    const modelRef = `projects/${who.project_id as string}/models/${job.model_object_id as string}`;
    const config = (
      (await call(t, 'GET', `${p}/configs?referenceModel=${encodeURIComponent(modelRef)}`))
        .json as { data: Json[] }
    ).data[0]!;
    const ep = first.data[0]!;
    const dep = (
      await call(t, 'POST', `${p}/endpoints/${ep.id as string}/deployments`, {
        body: {
          name: 'green',
          model: modelRef,
          config: `projects/${who.project_id as string}/configs/${config.id as string}`,
          autoscaling: { minReplicas: 1 },
        },
      })
    ).json as Json;
    const path = `${p}/endpoints/${ep.id as string}/deployments/${dep.id as string}`;
    const failed = await eventually('FAILED', async () => {
      const d = (await call(t!, 'GET', path)).json as {
        status: { state: string; message: string };
      };
      return d.status.state === 'DEPLOYMENT_STATE_FAILED' ? d : undefined;
    });
    expect(failed.status.message).toMatch(/failed/);
    expect(t.emulator.servingCharges().find((c) => c.id === dep.id)).toBeUndefined();
    const unknownModel = await call(t, 'POST', `${p}/endpoints/${ep.id as string}/deployments`, {
      body: {
        name: 'x',
        model: `projects/${who.project_id as string}/models/ml_nope`,
        config: `projects/x/configs/${config.id as string}`,
        autoscaling: { minReplicas: 1 },
      },
    });
    expect(unknownModel.status).toBe(404);
  });
});
