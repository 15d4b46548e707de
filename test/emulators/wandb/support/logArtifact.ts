import { manifestDigest, md5b64, type Edges, type Harness } from './harness.js';

export interface ManifestPayload {
  createArtifactManifest: {
    artifactManifest: { id: string; file: { uploadUrl: string; uploadHeaders: string[] } };
  };
}

interface FileNode {
  uploadUrl: string | null;
  uploadHeaders: string[];
  artifact: { id: string };
}

export interface ArtifactSpec {
  entity: string;
  project: string;
  run?: string;
  name: string;
  type: string;
  files: Record<string, string>;
  aliases?: string[];
  metadata?: Record<string, unknown>;
}

export interface LoggedArtifact {
  id: string;
  /** State createArtifact answered: PENDING for new content, COMMITTED for a deduplicated one. */
  createdState: string;
  /** uploadUrl per file path from createArtifactFiles (null = bytes already stored). */
  uploadUrls: Record<string, string | null>;
}

const CREATE = `mutation CreateArtifact($input: CreateArtifactInput!) {
  createArtifact(input: $input) { artifact { id state artifactSequence { latestArtifact { id } } } }
}`;
const MANIFEST = `mutation CreateArtifactManifest($artifactID: ID!, $baseArtifactID: ID, $name: String!, $digest: String!,
  $entityName: String!, $projectName: String!, $runName: String!, $manifestType: ArtifactManifestType!, $includeUpload: Boolean!) {
  createArtifactManifest(input: {artifactID: $artifactID, baseArtifactID: $baseArtifactID, name: $name, digest: $digest,
    entityName: $entityName, projectName: $projectName, runName: $runName, type: $manifestType}) {
    artifactManifest { id file { id uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) } }
  }
}`;
const FILES = `mutation CreateArtifactFiles($input: CreateArtifactFilesInput!) {
  createArtifactFiles(input: $input) { files { edges { node { storagePath uploadUrl uploadHeaders artifact { id } } } } }
}`;
export const COMMIT = `mutation CommitArtifact($artifactID: ID!) { commitArtifact(input: {artifactID: $artifactID}) { artifact { id digest } } }`;

/** PUTs bytes to a signed URL with the headers the API returned ("Key: Value" strings). */
export async function putSigned(
  url: string,
  body: string,
  headers: string[] = [],
): Promise<Response> {
  const h = Object.fromEntries(
    headers.map((line) => [
      line.slice(0, line.indexOf(':')),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return fetch(url, { method: 'PUT', body, headers: h });
}

/**
 * Logs an artifact version the way wandb-core's saver does: create → placeholder manifest →
 * file upload URLs → PUT files → real manifest → PUT manifest. Commit is left to the caller
 * (pass commit = true to do it here).
 */
export async function logArtifact(
  h: Harness,
  spec: ArtifactSpec,
  commit = true,
): Promise<LoggedArtifact> {
  const digest = manifestDigest(spec.files);
  const created = await h.ok<{ createArtifact: { artifact: { id: string; state: string } } }>(
    CREATE,
    {
      input: {
        entityName: spec.entity,
        projectName: spec.project,
        runName: spec.run ?? null,
        artifactTypeName: spec.type,
        artifactCollectionName: spec.name,
        digest,
        digestAlgorithm: 'MANIFEST_MD5',
        metadata: spec.metadata ? JSON.stringify(spec.metadata) : null,
        aliases: (spec.aliases ?? ['latest']).map((alias) => ({
          alias,
          artifactCollectionName: spec.name,
        })),
        enableDigestDeduplication: true,
      },
    },
  );
  const artifact = created.createArtifact.artifact;
  if (artifact.state === 'COMMITTED')
    return { id: artifact.id, createdState: artifact.state, uploadUrls: {} };

  const base = {
    artifactID: artifact.id,
    name: 'wandb_manifest.json',
    entityName: spec.entity,
    projectName: spec.project,
    runName: spec.run ?? '',
    manifestType: 'FULL',
  };
  const placeholder = await h.ok<ManifestPayload>(MANIFEST, {
    ...base,
    digest: '',
    includeUpload: false,
  });
  const manifestId = placeholder.createArtifactManifest.artifactManifest.id;

  const paths = Object.keys(spec.files);
  const files = await h.ok<{ createArtifactFiles: { files: Edges<FileNode> } }>(FILES, {
    input: {
      storageLayout: 'V2',
      artifactFiles: paths.map((name) => ({
        artifactID: artifact.id,
        artifactManifestID: manifestId,
        name,
        md5: md5b64(spec.files[name] as string),
      })),
    },
  });
  const nodes = files.createArtifactFiles.files.edges.map((e) => e.node);
  const uploadUrls: Record<string, string | null> = {};
  const contents: Record<string, unknown> = {};
  for (const [i, path] of paths.entries()) {
    const node = nodes[i]!;
    uploadUrls[path] = node.uploadUrl;
    if (node.uploadUrl) {
      const put = await putSigned(node.uploadUrl, spec.files[path]!, node.uploadHeaders);
      if (!put.ok) throw new Error(`upload of ${path} failed: ${put.status} ${await put.text()}`);
    }
    contents[path] = {
      digest: md5b64(spec.files[path]!),
      size: Buffer.byteLength(spec.files[path]!),
      birthArtifactID: node.artifact.id,
    };
  }
  const manifestText = JSON.stringify({
    version: 1,
    storagePolicy: 'wandb-storage-policy-v1',
    storagePolicyConfig: { storageLayout: 'V2' },
    contents,
  });
  const real = await h.ok<ManifestPayload>(MANIFEST, {
    ...base,
    digest: md5b64(manifestText),
    includeUpload: true,
  });
  const file = real.createArtifactManifest.artifactManifest.file;
  const put = await putSigned(file.uploadUrl, manifestText, file.uploadHeaders);
  if (!put.ok) throw new Error(`manifest upload failed: ${put.status}`);
  if (commit) await h.ok<unknown>(COMMIT, { artifactID: artifact.id });
  return { id: artifact.id, createdState: artifact.state, uploadUrls };
}
