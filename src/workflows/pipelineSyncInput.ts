import {
  SYNC_DEFAULTS,
  type DatasetArtifactRef,
  type OwedDataset,
  type SyncJobInput,
  type WandbTarget,
} from '../shared/syncTypes.js';
import type { DatasetSummary, PipelineInput, UploadedFile } from '../shared/types.js';

type Role = DatasetSummary['role'];

/** What the pipeline has of its W&B record when its job ends. */
export interface PipelineWandbRecord {
  input: PipelineInput;
  /** Null while W&B has not answered (the sync finds the entity itself). */
  target: WandbTarget | null;
  refs: ReadonlyMap<Role, string>;
  /** Versions, and file ids on versions, that W&B did not take before the job. */
  owedVersions: ReadonlySet<Role>;
  owedFiles: ReadonlySet<Role>;
}

/**
 * The sync child's input: the pipeline's dataset versions as the run's inputs or, when W&B work
 * before the job is owed, every dataset with what is done already, so the sync does the rest
 * first. Pure (unit-tested).
 */
export function pipelineSyncInput(
  record: PipelineWandbRecord,
  jobId: string,
  files: UploadedFile[],
  datasets: DatasetSummary[],
): SyncJobInput {
  const asked = record.input.wandb || {};
  const where = record.target ?? {
    project: asked.project ?? SYNC_DEFAULTS.project,
    entity: asked.entity,
  };
  const input: SyncJobInput = {
    jobId,
    project: where.project,
    entity: where.entity,
    overwrite: false,
    waitForJobSuccess: true,
    logDatasets: true,
    modelArtifactName: SYNC_DEFAULTS.modelArtifactName,
    modelArtifactType: SYNC_DEFAULTS.modelArtifactType,
  };
  if (record.owedVersions.size || record.owedFiles.size) {
    input.catchUp = { datasets: owedDatasets(record, files, datasets) };
    return input;
  }
  const refs: DatasetArtifactRef[] = [];
  datasets.forEach((d, i) => {
    const ref = record.refs.get(d.role);
    const file = files[i];
    if (ref && file) refs.push({ role: d.role, ref, fileId: file.fileId });
  });
  input.datasets = refs.length === datasets.length ? refs : undefined;
  return input;
}

function owedDatasets(
  record: PipelineWandbRecord,
  files: UploadedFile[],
  datasets: DatasetSummary[],
): OwedDataset[] {
  const owed: OwedDataset[] = [];
  datasets.forEach((d, i) => {
    const file = files[i];
    if (!file) return;
    const ref = record.refs.get(d.role);
    owed.push({
      role: d.role,
      path: d.path,
      digest: d.digest,
      model: record.input.model,
      method: record.input.method?.type ?? 'supervised',
      fileId: file.fileId,
      ...(ref ? { ref, fileRecorded: !record.owedFiles.has(d.role) } : { fileRecorded: false }),
    });
  });
  return owed;
}
