import { createHash } from 'node:crypto';
import { WandbInputError, WandbNotFoundError, WandbProtocolError } from '../errors.js';
import {
  bodyFactory,
  fingerprint,
  md5Base64,
  parseUploadHeaders,
  type FileSource,
} from '../fileSource.js';
import type { CallOptions, WandbTransport } from '../transport.js';
import { addAliases } from './aliases.js';
import {
  artifactDigest,
  buildManifest,
  MANIFEST_FILE_NAME,
  serializeManifest,
  type ManifestEntry,
} from './manifest.js';
import {
  sanitizeMetadata,
  validateAlias,
  validateArtifactName,
  validateArtifactType,
  validateLogicalPath,
} from './names.js';
import {
  ArtifactTypeOp,
  CommitArtifactOp,
  CreateArtifactFilesOp,
  CreateArtifactManifestOp,
  CreateArtifactOp,
} from './operations.js';
import { useArtifact } from './use.js';

// Creating an artifact version the way wandb-core does (protocol §7.4): createArtifact (the server
// dedups by digest) → placeholder manifest → createArtifactFiles + PUTs → final manifest → commit.

export interface ArtifactFile {
  /** Logical path inside the artifact ("train.jsonl", "tables/x.table.json"). */
  path: string;
  source: FileSource;
}

export interface LogArtifactInput {
  entity: string;
  project: string;
  /** The run logging it (needed for the manifest). */
  runId: string;
  /**
   * "output": the run produced it (its `runName` is on the artifact). "input": uploaded as a
   * user-created artifact, then marked as used by the run (lineage), as `run.use_artifact` does.
   */
  role: 'output' | 'input';
  name: string;
  type: string;
  description?: string;
  metadata?: Record<string, unknown>;
  /**
   * Aliases for the new version. "latest" is never sent: W&B moves it on commit, and sending it
   * would move it back to an older version when the content is deduplicated.
   */
  aliases?: string[];
  /** The run's step when it was logged (outputs only). */
  historyStep?: number;
  files: ArtifactFile[];
}

export interface LoggedArtifact {
  id: string;
  entity: string;
  project: string;
  name: string;
  /** MANIFEST_MD5 digest (hex). */
  digest: string;
  /** True when W&B already had this content in the collection: no new version was made. */
  deduplicated: boolean;
}

const FILE_SPEC_BATCH = 1_000;

/** Deterministic client ids (128 chars of [0-9a-f]), so a retried save maps to the same draft. */
function clientIds(
  input: LogArtifactInput,
  digest: string,
): { clientID: string; sequenceClientID: string } {
  const key = `${input.entity}/${input.project}/${input.name}`;
  const h = (s: string): string => createHash('sha512').update(s).digest('hex');
  return { clientID: h(`artifact:${key}:${digest}`), sequenceClientID: h(`sequence:${key}`) };
}

function validate(input: LogArtifactInput): string[] {
  validateArtifactName(input.name);
  validateArtifactType(input.type);
  if (input.files.length === 0) throw new WandbInputError(`Artifact "${input.name}" has no files.`);
  const seen = new Set<string>();
  for (const f of input.files) {
    validateLogicalPath(f.path);
    if (seen.has(f.path))
      throw new WandbInputError(`Artifact "${input.name}" lists "${f.path}" twice.`);
    seen.add(f.path);
  }
  const aliases = [...new Set(input.aliases ?? [])].filter((a) => a !== 'latest');
  aliases.forEach(validateAlias);
  return aliases;
}

/** W&B refuses a second type for one name; say so before uploading anything. */
async function checkTypeClash(
  t: WandbTransport,
  input: LogArtifactInput,
  options: CallOptions,
): Promise<void> {
  try {
    const data = await t.graphql(
      ArtifactTypeOp,
      { entity: input.entity, project: input.project, name: `${input.name}:latest` },
      options,
    );
    const existing = data.project?.artifact?.artifactType.name;
    if (existing && existing !== input.type) {
      throw new WandbInputError(
        `Artifact "${input.name}" already exists in ${input.entity}/${input.project} with type "${existing}", not "${input.type}". Use another name.`,
      );
    }
  } catch (err) {
    if (!(err instanceof WandbNotFoundError)) throw err;
  }
}

export async function logArtifact(
  t: WandbTransport,
  input: LogArtifactInput,
  features: ReadonlySet<string>,
  options: CallOptions = {},
): Promise<LoggedArtifact> {
  const aliases = validate(input);
  const metadata = sanitizeMetadata(input.metadata ?? {});
  const files: { path: string; source: FileSource; md5: string; size: number }[] = [];
  for (const f of input.files) files.push({ ...f, ...(await fingerprint(f.source)) });
  const digest = artifactDigest(files.map((f) => ({ path: f.path, digest: f.md5 })));
  await checkTypeClash(t, input, options);

  const created = await t.graphql(
    CreateArtifactOp,
    {
      input: {
        entityName: input.entity,
        projectName: input.project,
        ...(input.role === 'output' ? { runName: input.runId } : {}),
        artifactTypeName: input.type,
        artifactCollectionName: input.name,
        digest,
        digestAlgorithm: 'MANIFEST_MD5',
        ...(input.description !== undefined ? { description: input.description } : {}),
        metadata: JSON.stringify(metadata),
        aliases: aliases.map((alias) => ({ alias, artifactCollectionName: input.name })),
        ...clientIds(input, digest),
        enableDigestDeduplication: true,
        ...(input.role === 'output' && input.historyStep ? { historyStep: input.historyStep } : {}),
      },
    },
    options,
  );
  const artifact = created.createArtifact.artifact;
  const result: LoggedArtifact = {
    id: artifact.id,
    entity: input.entity,
    project: input.project,
    name: input.name,
    digest,
    deduplicated: artifact.state === 'COMMITTED',
  };

  if (result.deduplicated) {
    // Same content already stored: W&B makes no version. Make sure the caller's aliases point at
    // it (the Python SDK does not re-apply them; a re-sync should leave the aliases it asked for).
    if (aliases.length > 0) {
      await addAliases(
        t,
        {
          artifactId: artifact.id,
          entity: input.entity,
          project: input.project,
          collection: input.name,
          aliases,
        },
        options,
      );
    }
  } else if (artifact.state === 'PENDING' || artifact.state === 'DELETED') {
    await uploadAndCommit(
      t,
      input,
      artifact.id,
      artifact.artifactSequence?.latestArtifact?.id ?? null,
      files,
      options,
    );
  } else {
    throw new WandbProtocolError(
      `createArtifact returned state "${artifact.state}" for "${input.name}"; expected PENDING or COMMITTED.`,
      {
        operation: 'CreateArtifact',
      },
    );
  }

  if (input.role === 'input') {
    await useArtifact(
      t,
      { entity: input.entity, project: input.project, runId: input.runId, artifactId: artifact.id },
      features,
      options,
    );
  }
  return result;
}

async function uploadAndCommit(
  t: WandbTransport,
  input: LogArtifactInput,
  artifactId: string,
  baseArtifactId: string | null,
  files: { path: string; source: FileSource; md5: string; size: number }[],
  options: CallOptions,
): Promise<void> {
  const manifestVars = {
    artifactID: artifactId,
    baseArtifactID: baseArtifactId,
    name: MANIFEST_FILE_NAME,
    entityName: input.entity,
    projectName: input.project,
    runName: input.runId,
    manifestType: 'FULL',
  };
  const placeholder = await t.graphql(
    CreateArtifactManifestOp,
    { ...manifestVars, digest: '', includeUpload: false },
    options,
  );
  const manifestId = placeholder.createArtifactManifest.artifactManifest.id;

  const entries: { path: string; entry: ManifestEntry }[] = [];
  for (let start = 0; start < files.length; start += FILE_SPEC_BATCH) {
    const batch = files.slice(start, start + FILE_SPEC_BATCH);
    const answer = await t.graphql(
      CreateArtifactFilesOp,
      {
        storageLayout: 'V2',
        artifactFiles: batch.map((f) => ({
          artifactID: artifactId,
          artifactManifestID: manifestId,
          name: f.path,
          md5: f.md5,
        })),
      },
      options,
    );
    const edges = answer.createArtifactFiles.files.edges;
    if (edges.length !== batch.length) {
      throw new WandbProtocolError(
        `createArtifactFiles answered ${edges.length} files for ${batch.length} requested.`,
        {
          operation: 'CreateArtifactFiles',
        },
      );
    }
    for (const [i, file] of batch.entries()) {
      const node = edges[i]!.node; // edges come back in request order
      if (node.uploadUrl) {
        const headers = {
          'content-md5': file.md5,
          'content-length': String(file.size),
          ...parseUploadHeaders(node.uploadHeaders),
        };
        await t.putBlob(
          node.uploadUrl,
          bodyFactory(file.source),
          headers,
          `upload of artifact file ${file.path}`,
          options,
        );
      }
      entries.push({
        path: file.path,
        entry: { digest: file.md5, size: file.size, birthArtifactID: node.artifact.id },
      });
    }
  }

  const manifestText = serializeManifest(buildManifest(entries));
  const manifestMd5 = md5Base64(manifestText);
  const final = await t.graphql(
    CreateArtifactManifestOp,
    { ...manifestVars, digest: manifestMd5, includeUpload: true },
    options,
  );
  const upload = final.createArtifactManifest.artifactManifest.file;
  if (upload.uploadUrl) {
    const headers = {
      'content-md5': manifestMd5,
      'content-length': String(Buffer.byteLength(manifestText)),
      ...parseUploadHeaders(upload.uploadHeaders),
    };
    await t.putBlob(
      upload.uploadUrl,
      () => manifestText,
      headers,
      'upload of artifact manifest',
      options,
    );
  }
  await t.graphql(CommitArtifactOp, { artifactID: artifactId }, options);
}
