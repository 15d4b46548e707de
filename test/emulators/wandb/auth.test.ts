import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWandbEmulator,
  type RunningWandbEmulator,
} from '../../../src/emulators/wandb/index.js';
import { API_KEY, Harness, basicAuth, type Edges } from './support/harness.js';

const VIEWER = 'query Viewer { viewer { id entity username } }';

describe('W&B emulator authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it('answers Viewer for the configured key with the default entity', async () => {
    const res = await h.gql<{ viewer: unknown }>(VIEWER);
    expect(res.data?.viewer).toMatchObject({ entity: 'sandbox', username: 'sandbox' });
  });

  it('refuses a missing, a malformed and an unknown key with 401 on /graphql', async () => {
    const noAuth = await fetch(`${h.emu.url}/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(noAuth.status).toBe(401);
    const bearer = await fetch(`${h.emu.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(bearer.status).toBe(401);
    const unknown = await fetch(`${h.emu.url}/graphql`, {
      method: 'POST',
      headers: { authorization: basicAuth(`local-${'b2'.repeat(20)}`) },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(unknown.status).toBe(401);
    const body = (await unknown.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/API key/);
  });

  it('refuses the file stream without the key', async () => {
    await h.upsertRun('sandbox', 'p', 'auth-run');
    const res = await h.stream('sandbox', 'p', 'auth-run', {}, `local-${'c3'.repeat(20)}`);
    expect(res.status).toBe(401);
    expect((await h.stream('sandbox', 'p', 'auth-run', {})).status).toBe(200);
  });

  it('serves signed download URLs without the key but not with a forged signature', async () => {
    const run = await h.upsertRun('sandbox', 'p', 'files-run');
    expect(run.inserted).toBe(true);
    const created = await h.ok<{
      createRunFiles: { files: { name: string; uploadUrl: string }[] };
    }>(
      `mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
        createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) { runID uploadHeaders files { name uploadUrl } }
      }`,
      { entity: 'sandbox', project: 'p', run: 'files-run', files: ['config.yaml'] },
    );
    const uploadUrl = created.createRunFiles.files[0]!.uploadUrl;
    expect((await fetch(uploadUrl, { method: 'PUT', body: 'a: {value: 1}\n' })).status).toBe(200);
    const listed = await h.ok<{
      project: { run: { files: Edges<{ name: string; directUrl: string }> } };
    }>(
      `{ project(name: "p", entityName: "sandbox") { run(name: "files-run") { files { edges { node { name directUrl sizeBytes } } } } } }`,
    );
    const node = listed.project.run.files.edges[0]!.node;
    expect(node).toMatchObject({ name: 'config.yaml', sizeBytes: 14 });
    const download = await fetch(node.directUrl);
    expect(await download.text()).toBe('a: {value: 1}\n');
    const forged = node.directUrl.replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await fetch(forged)).status).toBe(403);
  });
});

describe('W&B emulator key shape (no key list given)', () => {
  let emu: RunningWandbEmulator;
  beforeAll(async () => {
    emu = await startWandbEmulator();
  });
  afterAll(() => emu.close());

  it('accepts any key of W&B shape and refuses short ones', async () => {
    const ask = (key: string) =>
      fetch(`${emu.url}/graphql`, {
        method: 'POST',
        headers: { authorization: basicAuth(key) },
        body: JSON.stringify({ query: VIEWER }),
      });
    expect((await ask('x'.repeat(40))).status).toBe(200);
    expect((await ask(`local-${'d'.repeat(40)}`)).status).toBe(200);
    expect((await ask('short-key')).status).toBe(401);
  });
});
