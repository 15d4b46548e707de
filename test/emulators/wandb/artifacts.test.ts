import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, manifestDigest, md5b64, type Edges } from './support/harness.js';
import { COMMIT, logArtifact, putSigned, type ManifestPayload } from './support/logArtifact.js';

interface Membership {
  project: {
    artifactCollectionMembership: {
      versionIndex: number;
      artifact: { id: string; currentManifest: { file: { directUrl: string } } };
    } | null;
  };
}
interface Created {
  createArtifact: { artifact: { id: string } };
}

const MEMBERSHIP = `query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    artifactCollectionMembership(name: $name) {
      versionIndex aliases { alias }
      artifact { id digest state versionIndex size fileCount metadata artifactType { name } currentManifest { file { directUrl } } }
    }
  }
}`;

describe('W&B emulator artifacts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
    await h.upsertRun('sandbox', 'arts', 'ftjob-a');
  });
  afterAll(() => h.close());

  it('matches the MANIFEST_MD5 worked example of the protocol notes', () => {
    expect(
      manifestDigest({ 'a/b.txt': 'hello\n', 'model_metadata.json': '{\n  "id": "ftjob-abc"\n}' }),
    ).toBe('5b627afd2061a73407e23dfbcbfd7466');
  });

  it('commits v0 then v1 and moves latest; the manifest and files come back by signed URL', async () => {
    const v0 = await logArtifact(h, {
      entity: 'sandbox',
      project: 'arts',
      run: 'ftjob-a',
      name: 'model-metadata',
      type: 'model',
      files: { 'model_metadata.json': '{"v":0}' },
      metadata: { items: 1 },
    });
    const v1 = await logArtifact(h, {
      entity: 'sandbox',
      project: 'arts',
      run: 'ftjob-a',
      name: 'model-metadata',
      type: 'model',
      files: { 'model_metadata.json': '{"v":1}' },
    });
    expect([v0.createdState, v1.createdState]).toEqual(['PENDING', 'PENDING']);

    const versions = h.emu.state.artifactVersions('sandbox', 'arts', 'model-metadata');
    expect(versions.map((v) => [v.versionIndex, v.state, v.aliases])).toEqual([
      [0, 'COMMITTED', []],
      [1, 'COMMITTED', ['latest']],
    ]);
    expect(versions[0]).toMatchObject({
      metadata: { items: 1 },
      createdByRun: 'ftjob-a',
      files: [{ path: 'model_metadata.json', digest: md5b64('{"v":0}'), size: 7 }],
    });

    const latest = await h.ok<Membership>(MEMBERSHIP, {
      entity: 'sandbox',
      project: 'arts',
      name: 'model-metadata:latest',
    });
    expect(latest.project.artifactCollectionMembership).toMatchObject({
      versionIndex: 1,
      artifact: { id: v1.id, state: 'COMMITTED', fileCount: 1, size: 7 },
    });
    const byVersion = await h.ok<Membership>(MEMBERSHIP, {
      entity: 'sandbox',
      project: 'arts',
      name: 'model-metadata:v0',
    });
    const manifestUrl =
      byVersion.project.artifactCollectionMembership?.artifact.currentManifest.file.directUrl ?? '';
    const manifest = (await (await fetch(manifestUrl)).json()) as {
      contents: Record<string, { digest: string }>;
    };
    expect(manifest.contents['model_metadata.json']?.digest).toBe(md5b64('{"v":0}'));

    const urls = await h.ok<{ artifact: { files: Edges<{ name: string; directUrl: string }> } }>(
      `query ($id: ID!) { artifact(id: $id) { files { edges { node { name directUrl md5 } } } } }`,
      { id: v0.id },
    );
    const file = urls.artifact.files.edges[0]!.node;
    expect(await (await fetch(file.directUrl)).text()).toBe('{"v":0}');
  });

  it('deduplicates by digest: same content answers COMMITTED with the existing version', async () => {
    const spec = {
      entity: 'sandbox',
      project: 'arts',
      name: 'train-file-1',
      type: 'training_files',
      files: { 'file-1': '{"messages":[]}\n' },
    };
    const first = await logArtifact(h, spec);
    const again = await logArtifact(h, { ...spec, aliases: ['latest', 'file-1'] });
    expect(again).toMatchObject({ id: first.id, createdState: 'COMMITTED' });
    const versions = h.emu.state.artifactVersions('sandbox', 'arts', 'train-file-1');
    expect(versions).toHaveLength(1);
    expect(versions[0]?.aliases.sort()).toEqual(['file-1', 'latest']);
  });

  it('hands out no upload URL for bytes the entity already stored, and names their birth artifact', async () => {
    const shared = 'shared bytes\n';
    const a = await logArtifact(h, {
      entity: 'sandbox',
      project: 'arts',
      name: 'shared-a',
      type: 'dataset',
      files: { 'x.txt': shared },
    });
    const b = await logArtifact(h, {
      entity: 'sandbox',
      project: 'arts',
      name: 'shared-b',
      type: 'dataset',
      files: { 'x.txt': shared, 'y.txt': 'new\n' },
    });
    expect(a.uploadUrls['x.txt']).toEqual(expect.any(String));
    expect(b.uploadUrls['x.txt']).toBeNull();
    expect(b.uploadUrls['y.txt']).toEqual(expect.any(String));
    const [version] = h.emu.state.artifactVersions('sandbox', 'arts', 'shared-b');
    expect(version?.files.find((f) => f.path === 'x.txt')?.birthArtifactId).toBe(a.id);
  });

  it('refuses to commit when a file was never uploaded or the digest does not match the manifest', async () => {
    const files = { 'a.txt': 'never uploaded\n' };
    const created = await h.ok<Created>(
      `mutation ($input: CreateArtifactInput!) { createArtifact(input: $input) { artifact { id state } } }`,
      {
        input: {
          entityName: 'sandbox',
          projectName: 'arts',
          artifactTypeName: 'dataset',
          artifactCollectionName: 'broken',
          digest: manifestDigest(files),
        },
      },
    );
    const id = created.createArtifact.artifact.id;
    const noManifest = await h.gql(COMMIT, { artifactID: id });
    expect(noManifest.errors?.[0]?.message).toMatch(/manifest/);

    const wrongDigest = await logArtifact(
      h,
      {
        entity: 'sandbox',
        project: 'arts',
        name: 'broken-2',
        type: 'dataset',
        files: { 'b.txt': 'b\n' },
      },
      false,
    );
    const manifestText = JSON.stringify({
      version: 1,
      storagePolicy: 'wandb-storage-policy-v1',
      storagePolicyConfig: {},
      contents: { 'other.txt': { digest: md5b64('zzz'), size: 3 } },
    });
    const manifest = await h.ok<ManifestPayload>(
      `mutation ($id: ID!, $digest: String!) { createArtifactManifest(input: {artifactID: $id, name: "wandb_manifest.json", digest: $digest,
        entityName: "sandbox", projectName: "arts", runName: "", type: FULL}) { artifactManifest { file { uploadUrl uploadHeaders } } } }`,
      { id: wrongDigest.id, digest: md5b64(manifestText) },
    );
    const target = manifest.createArtifactManifest.artifactManifest.file;
    expect((await putSigned(target.uploadUrl, manifestText, target.uploadHeaders)).status).toBe(
      200,
    );
    const mismatch = await h.gql(COMMIT, { artifactID: wrongDigest.id });
    expect(mismatch.errors?.[0]?.message).toMatch(/digest mismatch/);
    expect(h.emu.state.artifactVersions('sandbox', 'arts', 'broken-2')[0]?.state).toBe('PENDING');
  });

  it('rejects an upload whose bytes do not match Content-MD5 or the md5 given to the API', async () => {
    const created = await h.ok<Created>(
      `mutation ($input: CreateArtifactInput!) { createArtifact(input: $input) { artifact { id } } }`,
      {
        input: {
          entityName: 'sandbox',
          projectName: 'arts',
          artifactTypeName: 'dataset',
          artifactCollectionName: 'md5-check',
          digest: 'd',
        },
      },
    );
    const files = await h.ok<{
      createArtifactFiles: { files: Edges<{ uploadUrl: string; uploadHeaders: string[] }> };
    }>(
      `mutation ($input: CreateArtifactFilesInput!) { createArtifactFiles(input: $input) { files { edges { node { uploadUrl uploadHeaders } } } } }`,
      {
        input: {
          storageLayout: 'V2',
          artifactFiles: [
            { artifactID: created.createArtifact.artifact.id, name: 'f', md5: md5b64('right') },
          ],
        },
      },
    );
    const node = files.createArtifactFiles.files.edges[0]!.node;
    expect(node.uploadHeaders).toEqual([`Content-MD5:${md5b64('right')}`]);
    expect((await putSigned(node.uploadUrl, 'wrong', node.uploadHeaders)).status).toBe(400);
    expect((await putSigned(node.uploadUrl, 'wrong')).status).toBe(400);
    expect((await putSigned(node.uploadUrl, 'right', node.uploadHeaders)).status).toBe(200);
  });

  it('records inputs with useArtifact and refuses a type clash on an existing name', async () => {
    await h.upsertRun('sandbox', 'arts', 'reader');
    const logged = await logArtifact(h, {
      entity: 'sandbox',
      project: 'arts',
      name: 'valid-file-2',
      type: 'validation_files',
      files: { 'file-2': 'v\n' },
    });
    await h.ok<unknown>(
      `mutation ($input: UseArtifactInput!) { useArtifact(input: $input) { artifact { id } } }`,
      {
        input: {
          entityName: 'sandbox',
          projectName: 'arts',
          runName: 'reader',
          artifactID: logged.id,
        },
      },
    );
    expect(h.emu.state.run('sandbox', 'arts', 'reader')?.inputs).toEqual([
      { id: logged.id, name: 'valid-file-2:v0', type: 'validation_files' },
    ]);
    const clash = await h.gql(
      `mutation ($input: CreateArtifactInput!) { createArtifact(input: $input) { artifact { id } } }`,
      {
        input: {
          entityName: 'sandbox',
          projectName: 'arts',
          artifactTypeName: 'model',
          artifactCollectionName: 'valid-file-2',
          digest: 'x',
        },
      },
    );
    expect(clash.errors?.[0]?.message).toMatch(/already exists .* with type "validation_files"/);
  });
});
