import { basename, extname } from 'node:path';
import { Context } from '@temporalio/activity';
import { datasetArtifactMetadata, validateDatasetFile } from '../../dataset/index.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { FineTuneMethodType } from '../../shared/types.js';
import { sanitizeArtifactName } from '../../wandb/index.js';
import { withPulse } from '../pulse.js';
import { artifactGone } from '../failures.js';
import { writeDatasetTable } from './datasetTable.js';
import { profileDatasetFile } from '../../gates/profileFile.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';
import { rm } from 'node:fs/promises';

export const DATASET_ARTIFACT_TYPE = 'dataset';
/** The alias that carries the provider file id of a version's bytes (`file-…` at every provider so far). */
const FILE_ALIAS = /^file-[A-Za-z0-9_-]+$/;

export interface VersionDatasetInput {
  target: WandbTarget;
  role: 'training' | 'validation';
  path: string;
  /** sha256 of the bytes (from validation): part of the version's identity. */
  digest: string;
  model: string;
  method: FineTuneMethodType;
  /** Collection name; default from the file name, e.g. `train` for train.jsonl. */
  name?: string;
  /** Best effort (the pipeline before its job): quick W&B tries, the workflow's budget decides. */
  quick?: boolean;
}

export interface DatasetVersion {
  /** `entity/project/name:vN` */
  ref: string;
  name: string;
  version: string | null;
  /** A provider file already holding these bytes (recorded by an earlier pipeline), if any. */
  knownFileId: string | null;
  /** False when identical content was already a version: no new version was made. */
  created: boolean;
}

export function datasetCollectionName(path: string, name?: string): string {
  return sanitizeArtifactName(name ?? basename(path, extname(path)));
}

/**
 * Versions a dataset as a W&B artifact before it is uploaded: the file, its W&B Table, and its
 * statistics (rows, tokens, format, roles, source). Identical bytes give the same manifest digest,
 * which W&B deduplicates: the same version comes back, never a new one.
 */
export async function versionDataset(
  deps: WandbActivityDeps,
  input: VersionDatasetInput,
): Promise<DatasetVersion> {
  const wandb = requireWandb(deps);
  const name = datasetCollectionName(input.path, input.name);
  const { entity, project } = input.target;
  return withPulse(async () => {
    const signal = Context.current().cancellationSignal;
    const report = await validateDatasetFile(input.path, {
      model: input.model,
      method: input.method,
      minExamples: 0,
      piiScan: false,
      signal,
    });
    const table = await writeDatasetTable(input.path, report.format, signal);
    // W&B gives every artifact version a producing run (the Python SDK opens one of job type
    // "auto"): ours is one small run per content digest, so re-versioning reuses it.
    const runId = `dataset-${input.digest.slice(0, 16)}`;
    // The profile lets the drift gate compare a later training set without downloading this one.
    const profile = await profileDatasetFile(input.path, {
      model: input.model,
      method: input.method,
      signal,
    });
    const metadata = {
      ...datasetArtifactMetadata(report),
      source: input.path,
      role: input.role,
      profile,
    };
    try {
      await wandbCalling(`Opening the versioning run for ${name}`, () =>
        wandb.upsertRun({
          runId,
          entity,
          project,
          displayName: `version ${name} (${input.digest.slice(0, 12)})`,
          jobType: 'version-dataset',
          config: metadata,
        }),
      );
      const fileName = basename(input.path);
      const logged = await wandbCalling(`Versioning ${input.role} dataset ${name}`, () =>
        wandb.logArtifact({
          entity,
          project,
          runId,
          role: 'output',
          name,
          type: DATASET_ARTIFACT_TYPE,
          description: `${input.role} data for fine-tuning`,
          metadata,
          files: [
            { path: fileName, source: { path: input.path } },
            { path: `${fileName}.table.json`, source: { path: table.localPath } },
          ],
        }),
      );
      await wandbCalling(`Finishing the versioning run for ${name}`, () =>
        wandb.fileStream({ entity, project, runId }).finish({ exitCode: 0, signal }),
      );
      const version = await wandbCalling(`Reading dataset version ${name}`, () =>
        wandb.fetchArtifactById(logged.id),
      );
      const knownFileId = version?.aliases.find((a) => FILE_ALIAS.test(a)) ?? null;
      const label = version?.version ?? null;
      return {
        ref: `${entity}/${project}/${name}:${label ?? logged.digest.slice(0, 12)}`,
        name,
        version: label,
        knownFileId,
        created: !logged.deduplicated,
      };
    } finally {
      await rm(table.localPath, { force: true });
    }
  });
}

/** Records which provider file holds a version's bytes (as an alias), so it is never uploaded again. */
export interface RecordFileInput {
  target: WandbTarget;
  ref: string;
  fileId: string;
  /** As VersionDatasetInput.quick. */
  quick?: boolean;
}

export async function recordDatasetFile(
  deps: WandbActivityDeps,
  input: RecordFileInput,
): Promise<void> {
  const wandb = requireWandb(deps);
  const version = await wandbCalling(`Looking up ${input.ref}`, () =>
    wandb.fetchArtifact(input.ref),
  );
  if (!version) throw artifactGone(input.ref);
  if (version.aliases.includes(input.fileId)) return;
  await wandbCalling(`Recording ${input.fileId} on ${input.ref}`, () =>
    wandb.addAliases({
      artifactId: version.id,
      entity: version.entity,
      project: version.project,
      collection: version.name,
      aliases: [input.fileId],
    }),
  );
}
