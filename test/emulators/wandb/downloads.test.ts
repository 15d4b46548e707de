import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, Harness, basicAuth, md5b64, type Edges } from './support/harness.js';
import { logArtifact, putSigned, type ManifestPayload } from './support/logArtifact.js';

const BYTES = '{"id": "ftjob-abc"}\n';
const hexMd5 = Buffer.from(md5b64(BYTES), 'base64').toString('hex');

describe('W&B emulator downloads, client ids and manifest updates', () => {
  let h: Harness;
  let artifactId: string;
  beforeAll(async () => {
    h = await Harness.start();
    await h.upsertRun('sandbox', 'dl', 'writer');
    artifactId = (
      await logArtifact(h, {
        entity: 'sandbox',
        project: 'dl',
        run: 'writer',
        name: 'model-metadata',
        type: 'model',
        files: { 'model_metadata.json': BYTES },
      })
    ).id;
  });
  afterAll(() => h.close());

  it('answers filesByManifestEntries (wandb-core downloader) with signed URLs in entry order', async () => {
    const res = await h.ok<{
      artifact: { filesByManifestEntries: Edges<{ name: string; directUrl: string }> };
    }>(
      `query ArtifactFileURLsByManifestEntries($id: ID!, $entries: [ArtifactManifestEntryInput!], $storageLayout: String!, $manifestVersion: String!) {
        artifact(id: $id) { filesByManifestEntries(storageLayout: $storageLayout, manifestVersion: $manifestVersion, entries: $entries) {
          pageInfo { hasNextPage endCursor } edges { node { name directUrl } } } }
      }`,
      {
        id: artifactId,
        storageLayout: 'V2',
        manifestVersion: '1',
        entries: [
          { name: 'model_metadata.json', digest: md5b64(BYTES), birthArtifactID: artifactId },
        ],
      },
    );
    const node = res.artifact.filesByManifestEntries.edges[0]!.node;
    expect(node.name).toBe('model_metadata.json');
    expect(await (await fetch(node.directUrl)).text()).toBe(BYTES);
  });

  it('serves the authenticated artifactsV2 and legacy fallback paths by hex MD5, only with the key', async () => {
    const v2 = `${h.emu.url}/artifactsV2/default/sandbox/dl/model-metadata/${encodeURIComponent(artifactId)}/${hexMd5}/model_metadata.json`;
    expect((await fetch(v2)).status).toBe(401);
    const withKey = await fetch(v2, { headers: { authorization: basicAuth(API_KEY) } });
    expect(await withKey.text()).toBe(BYTES);
    const legacy = await fetch(`${h.emu.url}/artifacts/sandbox/${hexMd5}`, {
      headers: { authorization: basicAuth(API_KEY) },
    });
    expect(await legacy.text()).toBe(BYTES);
  });

  it('maps client ids to server ids (ClientIDMapping)', async () => {
    const clientID = 'c'.repeat(128);
    const created = await h.ok<{ createArtifact: { artifact: { id: string } } }>(
      `mutation ($input: CreateArtifactInput!) { createArtifact(input: $input) { artifact { id } } }`,
      {
        input: {
          entityName: 'sandbox',
          projectName: 'dl',
          artifactTypeName: 'dataset',
          artifactCollectionName: 'with-client-id',
          digest: 'feed',
          clientID,
        },
      },
    );
    const mapped = await h.ok<{ clientIDMapping: { serverID: string } | null }>(
      `query ClientIDMapping($clientID: ID!) { clientIDMapping(clientID: $clientID) { serverID } }`,
      { clientID },
    );
    expect(mapped.clientIDMapping?.serverID).toBe(created.createArtifact.artifact.id);
    const unknown = await h.ok<{ clientIDMapping: unknown }>(
      `{ clientIDMapping(clientID: "nope") { serverID } }`,
    );
    expect(unknown.clientIDMapping).toBeNull();
  });

  it('updates a manifest by id (UpdateArtifactManifest) and hands out its upload URL', async () => {
    const created = await h.ok<{ createArtifact: { artifact: { id: string } } }>(
      `mutation ($input: CreateArtifactInput!) { createArtifact(input: $input) { artifact { id } } }`,
      {
        input: {
          entityName: 'sandbox',
          projectName: 'dl',
          artifactTypeName: 'dataset',
          artifactCollectionName: 'incremental',
          digest: 'beef',
        },
      },
    );
    const placeholder = await h.ok<ManifestPayload>(
      `mutation ($id: ID!) { createArtifactManifest(input: {artifactID: $id, name: "wandb_manifest.incremental.json", digest: "",
        entityName: "sandbox", projectName: "dl", runName: "", type: INCREMENTAL}) { artifactManifest { id file { uploadUrl uploadHeaders } } } }`,
      { id: created.createArtifact.artifact.id },
    );
    const text = '{"version": 1, "contents": {}}';
    const updated = await h.ok<{
      updateArtifactManifest: ManifestPayload['createArtifactManifest'];
    }>(
      `mutation UpdateArtifactManifest($artifactManifestID: ID!, $digest: String, $includeUpload: Boolean!) {
        updateArtifactManifest(input: {artifactManifestID: $artifactManifestID, digest: $digest}) {
          artifactManifest { id file { id uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) } } } }`,
      {
        artifactManifestID: placeholder.createArtifactManifest.artifactManifest.id,
        digest: md5b64(text),
        includeUpload: true,
      },
    );
    const file = updated.updateArtifactManifest.artifactManifest.file;
    expect(file.uploadHeaders).toEqual([`Content-MD5:${md5b64(text)}`]);
    expect((await putSigned(file.uploadUrl, text, file.uploadHeaders)).status).toBe(200);
  });

  it('tells the file stream a stopped run is stopped (StopRun)', async () => {
    const run = await h.upsertRun('sandbox', 'dl', 'to-stop');
    await h.ok<unknown>(`mutation StopRun($id: ID!) { stopRun(input: {id: $id}) { success } }`, {
      id: run.bucket.id,
    });
    const res = await h.stream('sandbox', 'dl', 'to-stop', {});
    expect(await res.json()).toMatchObject({ stopped: true });
  });
});
