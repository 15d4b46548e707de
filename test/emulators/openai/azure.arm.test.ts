import OpenAI, { APIError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AZURE_DEFAULT_MODEL_CATALOG,
  type OpenAIEmulatorOptions,
} from '../../../src/emulators/openai/index.js';
import { ACCOUNT, arm, deploy, deploymentBody } from './support/arm.js';
import {
  chatJsonl,
  eventually,
  FAST_AZURE,
  runToEnd,
  sleep,
  startTestEmulator,
  type TestEmulator,
} from './support/harness.js';

const question = [{ role: 'user' as const, content: 'What is 3 + 3?' }];
const base = { name: 'gpt-4.1-mini', version: '2025-04-14' };

interface DeploymentResource {
  id: string;
  type: string;
  name: string;
  sku: { name: string; capacity: number };
  properties: {
    model: { format: string; name: string; version: string };
    provisioningState: string;
  };
  systemData: { createdAt: string; lastModifiedAt: string };
}

/** Every ARM answer of a deployment has exactly this shape (no official schema here). */
function expectDeployment(body: unknown, name: string, state: string): DeploymentResource {
  const d = body as DeploymentResource;
  expect(Object.keys(d).sort()).toEqual(['id', 'name', 'properties', 'sku', 'systemData', 'type']);
  expect(d).toMatchObject({
    id: `${ACCOUNT}/deployments/${name}`,
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    name,
    properties: { provisioningState: state },
  });
  expect(Object.keys(d.properties).sort()).toEqual(['model', 'provisioningState']);
  expect(Date.parse(d.systemData.createdAt)).not.toBeNaN();
  return d;
}

async function stateOf(url: string, path: string): Promise<string | undefined> {
  const r = await arm(url, 'GET', path);
  return r.status === 200 ? (r.body as DeploymentResource).properties.provisioningState : undefined;
}

async function chatError(client: OpenAI, model: string): Promise<APIError> {
  const err = await client.chat.completions.create({ model, messages: question }).then(
    () => {
      throw new Error(`chat on ${model} was answered`);
    },
    (e: unknown) => e,
  );
  if (!(err instanceof APIError)) throw err;
  return err;
}

async function withEmulator(
  options: OpenAIEmulatorOptions,
  body: (t: TestEmulator) => Promise<void>,
): Promise<void> {
  const t = await startTestEmulator({ ...FAST_AZURE, ...options });
  try {
    await body(t);
  } finally {
    await t.close();
  }
}

describe('ARM deployments', () => {
  let t: TestEmulator;
  let url: string;
  beforeAll(async () => {
    t = await startTestEmulator({
      ...FAST_AZURE,
      apiKey: 'data-key',
      azure: { armToken: 'arm-token', deployments: { creatingMs: 300, notReadyMs: 300 } },
    });
    url = t.emulator.url;
  });
  afterAll(() => t.close());
  const client = () => t.clientWith({ apiKey: 'data-key' });

  it('needs the configured bearer token and an api-version', async () => {
    const path = `${ACCOUNT}/deployments`;
    const none = await arm(url, 'GET', path, { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      error: {
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is missing.",
      },
    });
    for (const token of ['wrong', 'data-key']) {
      const bad = await arm(url, 'GET', path, { token });
      expect(bad.status).toBe(401);
      expect(bad.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    }
    const keyOnly = await fetch(`${url}${path}?api-version=2024-10-01`, {
      headers: { 'api-key': 'data-key' },
    });
    expect(keyOnly.status).toBe(401);
    const noVersion = await arm(url, 'GET', path, { apiVersion: null });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
    const ok = await arm(url, 'GET', path);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('creates: 201 Accepted, Creating, Succeeded; chat is DeploymentNotFound, then NotReady, then answers', async () => {
    const path = `${ACCOUNT}/deployments/base-1`;
    const put = await arm(url, 'PUT', path, { body: deploymentBody(base.name, base.version) });
    expect(put.status).toBe(201);
    const created = expectDeployment(put.body, 'base-1', 'Accepted');
    expect(created.sku).toEqual({ name: 'GlobalStandard', capacity: 1 });
    expect(created.properties.model).toEqual({ format: 'OpenAI', ...base });

    expectDeployment((await arm(url, 'GET', path)).body, 'base-1', 'Creating');
    const notFound = await chatError(client(), 'base-1');
    expect(notFound.status).toBe(404);
    expect(notFound.error).toMatchObject({ code: 'DeploymentNotFound' });

    await eventually('Succeeded', async () =>
      (await stateOf(url, path)) === 'Succeeded' ? true : undefined,
    );
    const notReady = await chatError(client(), 'base-1');
    expect(notReady.status).toBe(400);
    expect(notReady.error).toMatchObject({ code: 'DeploymentNotReady' });

    await eventually('ready', () =>
      t.emulator.deployments().find((d) => d.name === 'base-1')?.ready ? true : undefined,
    );
    const answer = await client().chat.completions.create({ model: 'base-1', messages: question });
    expect(answer.model).toBe('gpt-4.1-mini-2025-04-14');
    expect(t.emulator.stats().chatCompletions['base-1']).toBe(1);

    const again = await arm(url, 'PUT', path, {
      body: {
        ...deploymentBody(base.name, base.version),
        sku: { name: 'GlobalStandard', capacity: 5 },
      },
    });
    expect(again.status).toBe(200);
    expect(expectDeployment(again.body, 'base-1', 'Succeeded').sku.capacity).toBe(5);
    const list = (await arm(url, 'GET', `${ACCOUNT}/deployments`)).body as {
      value: DeploymentResource[];
    };
    expect(Object.keys(list)).toEqual(['value']);
    expect(list.value.map((d) => d.name)).toContain('base-1');
  });

  it('deletes: 200, then GET 404 and chat DeploymentNotFound; deleting again 204', async () => {
    const path = `${ACCOUNT}/deployments/gone`;
    await deploy(t.emulator, 'gone', base);
    await client().chat.completions.create({ model: 'gone', messages: question });
    expect((await arm(url, 'DELETE', path)).status).toBe(200);
    const get = await arm(url, 'GET', path);
    expect(get.status).toBe(404);
    expect(get.body).toMatchObject({ error: { code: 'DeploymentNotFound' } });
    expect((await chatError(client(), 'gone')).error).toMatchObject({ code: 'DeploymentNotFound' });
    expect((await arm(url, 'DELETE', path)).status).toBe(204);
  });

  it('checks names, models and SKUs', async () => {
    const put = (name: string, body: unknown) =>
      arm(url, 'PUT', `${ACCOUNT}/deployments/${name}`, { body });
    const good = deploymentBody(base.name, base.version);
    for (const name of ['x'.repeat(65), 'under_score', 'dot.ted']) {
      const r = await put(name, good);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: { code: 'InvalidResourceName' } });
    }
    expect((await put('y'.repeat(64), good)).status).toBe(201);
    for (const body of [
      deploymentBody('gpt-9', '1'),
      deploymentBody(base.name, '2099-01-01'),
      deploymentBody('gpt-4.1-mini-2025-04-14.ft-00000000000000000000000000000000', '1'),
      { ...good, properties: { model: { ...good.properties.model, format: 'Meta' } } },
    ]) {
      const r = await put('bad-model', body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: { code: 'DeploymentModelNotSupported' } });
    }
    const sku = await put('bad-sku', deploymentBody(base.name, base.version, 'Premium'));
    expect(sku.status).toBe(400);
    const shape = await put('bad-body', { sku: { name: 'Standard' } });
    expect(shape.status).toBe(400);
    expect(shape.body).toMatchObject({ error: { code: 'InvalidRequestContent' } });
    expect(
      (await put('lower-sku', deploymentBody(base.name, base.version, 'standard'))).status,
    ).toBe(201);
    await deploy(t.emulator, 'taken', base);
    const conflict = await put('taken', deploymentBody('gpt-4o-mini', '2024-07-18'));
    expect(conflict.status).toBe(409);
  });

  it('deploys fine-tuned models and checkpoints (by ftchkpt id), which answer as the model they serve', async () => {
    const file = await t.client.files.create({
      file: await toFile(Buffer.from(chatJsonl(12)), 'train.jsonl'),
      purpose: 'fine-tune',
    });
    await t.client.files.waitForProcessing(file.id, { pollInterval: 20 });
    const job = await client().fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: file.id,
      trainingType: 'GlobalStandard',
    } as unknown as OpenAI.FineTuning.JobCreateParams);
    const done = (await runToEnd(client(), job.id)).job;
    const checkpoints = (await client().fineTuning.jobs.checkpoints.list(job.id)).data;
    const older = checkpoints.at(-1)!;

    await deploy(t.emulator, 'tuned', { name: done.fine_tuned_model!, version: '1' });
    await deploy(t.emulator, 'ckpt', { name: older.id, version: '1' });
    const tuned = await client().chat.completions.create({ model: 'tuned', messages: question });
    expect(tuned.model).toBe(done.fine_tuned_model);
    const ckpt = await client().chat.completions.create({ model: 'ckpt', messages: question });
    expect(ckpt.model).toBe(older.fine_tuned_model_checkpoint);
    expect(t.emulator.deployments().find((d) => d.name === 'ckpt')).toMatchObject({
      serves: older.fine_tuned_model_checkpoint,
      model: { name: older.id, version: '1' },
      provisioningState: 'Succeeded',
      ready: true,
      expiresAtMs: null,
    });
  });

  it('records a 24-hour expiry for DeveloperTier deployments', async () => {
    const before = Date.now();
    const put = await arm(url, 'PUT', `${ACCOUNT}/deployments/dev`, {
      body: deploymentBody(base.name, base.version, 'DeveloperTier'),
    });
    expect(put.status).toBe(201);
    const d = t.emulator.deployments().find((x) => x.name === 'dev')!;
    expect(d.expiresAtMs! - d.createdAtMs).toBe(24 * 3600 * 1000);
    expect(d.createdAtMs).toBeGreaterThanOrEqual(before);
  });
});

describe('ARM options', () => {
  it('deletes DeveloperTier deployments when a short lifetime ends', async () => {
    await withEmulator(
      { azure: { deployments: { creatingMs: 10, notReadyMs: 10, developerTierLifetimeMs: 500 } } },
      async (t) => {
        await deploy(t.emulator, 'dev', { ...base, sku: 'DeveloperTier' });
        await t.client.chat.completions.create({ model: 'dev', messages: question });
        const { expiresAtMs } = t.emulator.deployments()[0]!;
        await sleep(expiresAtMs! - Date.now() + 20);
        expect(t.emulator.deployments()).toEqual([]);
        expect((await chatError(t.client, 'dev')).error).toMatchObject({
          code: 'DeploymentNotFound',
        });
      },
    );
  });

  it('shows Deleting for deletingMs (DELETE answers 202), fails deployments on demand, and sets the NotReady status', async () => {
    await withEmulator(
      {
        azure: {
          deployments: {
            creatingMs: 20,
            notReadyMs: 400,
            deletingMs: 200,
            notReadyStatus: 503,
            fail: (d) => d.name === 'doomed',
          },
        },
      },
      async (t) => {
        const url = t.emulator.url;
        const path = `${ACCOUNT}/deployments/slow`;
        await arm(url, 'PUT', path, { body: deploymentBody(base.name, base.version) });
        await sleep(40);
        const notReady = await chatError(t.client, 'slow');
        expect(notReady.status).toBe(503);
        expect((await arm(url, 'DELETE', path)).status).toBe(202);
        expectDeployment((await arm(url, 'GET', path)).body, 'slow', 'Deleting');
        const reput = await arm(url, 'PUT', path, {
          body: deploymentBody(base.name, base.version),
        });
        expect(reput.status).toBe(409);
        await eventually('the deployment gone', async () =>
          (await arm(url, 'GET', path)).status === 404 ? true : undefined,
        );

        const doomed = `${ACCOUNT}/deployments/doomed`;
        await arm(url, 'PUT', doomed, { body: deploymentBody(base.name, base.version) });
        await eventually('Failed', async () =>
          (await stateOf(url, doomed)) === 'Failed' ? true : undefined,
        );
        expect((await chatError(t.client, 'doomed')).status).toBe(404);
      },
    );
  });
});

describe('ARM models list and retirements', () => {
  it('lists the catalogue with the fine-tune and inference retirement dates', async () => {
    await withEmulator({}, async (t) => {
      const r = await arm(
        t.emulator.url,
        'GET',
        '/subscriptions/sub-1/providers/Microsoft.CognitiveServices/locations/swedencentral/models',
      );
      expect(r.status).toBe(200);
      const value = (
        r.body as { value: { kind: string; skuName: string; model: Record<string, unknown> }[] }
      ).value;
      const find = (name: string, version: string) =>
        value.find((v) => v.model.name === name && v.model.version === version)!;
      expect(find('gpt-4.1-mini', '2025-04-14')).toMatchObject({
        kind: 'OpenAI',
        skuName: 'S0',
        model: {
          format: 'OpenAI',
          lifecycleStatus: 'Deprecating',
          deprecation: { fineTune: '2027-04-14T00:00:00Z', inference: '2027-10-14T00:00:00Z' },
          capabilities: { fineTune: 'true', chatCompletion: 'true' },
        },
      });
      expect(find('gpt-4o-mini', '2024-07-18').model.deprecation).toEqual({
        fineTune: '2027-04-01T00:00:00Z',
        inference: '2027-10-01T00:00:00Z',
      });
      expect(find('gpt-4o', '2024-08-06').model.deprecation).toEqual({
        fineTune: '2027-04-01T00:00:00Z',
        inference: '2027-10-01T00:00:00Z',
      });
      expect(find('o4-mini', '2025-04-16').model.deprecation).toEqual({
        fineTune: '2027-04-16T00:00:00Z',
        inference: '2027-10-16T00:00:00Z',
      });
      for (const v of value) {
        expect(Object.keys(v).sort()).toEqual(['kind', 'model', 'skuName']);
        expect(Object.keys(v.model).sort()).toEqual([
          'capabilities',
          'deprecation',
          'format',
          'lifecycleStatus',
          'name',
          'skus',
          'version',
        ]);
      }
    });
  });

  it('with a past inference date: the list says so, deploying is refused, serving answers 410', async () => {
    const models = AZURE_DEFAULT_MODEL_CATALOG.map((m) => ({ ...m }));
    const mini = models.find((m) => m.name === 'gpt-4.1-mini')!;
    await withEmulator(
      { azure: { models, deployments: { creatingMs: 10, notReadyMs: 10 } } },
      async (t) => {
        await deploy(t.emulator, 'live', base);
        mini.inferenceRetirement = '2020-01-01'; // the catalogue is read live
        mini.lifecycleStatus = 'Deprecated';
        const list = await arm(
          t.emulator.url,
          'GET',
          '/subscriptions/s/providers/Microsoft.CognitiveServices/locations/eastus/models',
        );
        expect(JSON.stringify(list.body)).toContain('"inference":"2020-01-01T00:00:00Z"');
        const put = await arm(t.emulator.url, 'PUT', `${ACCOUNT}/deployments/late`, {
          body: deploymentBody(base.name, base.version),
        });
        expect(put.status).toBe(400);
        const gone = await chatError(t.client, 'live');
        expect(gone.status).toBe(410);
      },
    );
  });
});
