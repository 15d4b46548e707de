import { executeChild, workflowInfo } from '@temporalio/workflow';
import { SYNC_DEFAULTS, type DatasetArtifactRef, type WandbTarget } from '../shared/syncTypes.js';
import type {
  DatasetSummary,
  FineTuneMethodType,
  PipelineInput,
  PipelineWandbResult,
  UploadedFile,
} from '../shared/types.js';
import { datasetVersionActivities, pipelineWandbActivities } from './activityOptions.js';
import { syncFineTune } from './syncFineTune.js';
import { rootMessage } from '../shared/rootCause.js';

/**
 * The pipeline's W&B side. Every step is best effort: a W&B problem is recorded in the result
 * and the Temporal UI, never allowed to stop or fail the fine-tune itself.
 */
export class PipelineWandb {
  readonly result: PipelineWandbResult = { datasetVersions: [], artifacts: [], errors: [] };
  private target: WandbTarget | null = null;
  private readonly refs = new Map<DatasetSummary['role'], string>();

  /** `labelled`: activity summaries name the dataset (runs since governed promotion). */
  constructor(
    private readonly input: PipelineInput,
    private readonly labelled = false,
  ) {}

  private label(summary: string): { summary?: string } {
    return this.labelled ? { summary } : {};
  }

  get live(): { target: WandbTarget } | undefined {
    return this.target ? { target: this.target } : undefined;
  }

  /** Where W&B writes go, or null when W&B is off or failed to connect. */
  get wandbTarget(): WandbTarget | null {
    return this.target;
  }

  /** The pipeline's dataset versions (`entity/project/name:vN`). */
  datasetRefs(): { role: DatasetSummary['role']; ref: string }[] {
    return [...this.refs].map(([role, ref]) => ({ role, ref }));
  }

  /** The synced model artifact's collection and its job-id alias, when the sync logged it. */
  modelVersion(jobId: string): { collection: string; version: string } | undefined {
    const collection = SYNC_DEFAULTS.modelArtifactName;
    const logged = this.result.artifacts.some((a) => a.endsWith(`/${collection}:${jobId}`));
    return this.target && logged ? { collection, version: jobId } : undefined;
  }

  /** Records a best-effort W&B step that failed, for the result and the UI. */
  report(what: string, err: unknown): void {
    this.fail(what, err);
  }

  async connect(): Promise<void> {
    if (this.input.wandb === false) {
      this.result.skipped = 'turned off for this pipeline';
      return;
    }
    try {
      this.target = await pipelineWandbActivities.resolveWandbTarget({
        project: this.input.wandb?.project ?? SYNC_DEFAULTS.project,
        entity: this.input.wandb?.entity,
        optional: true,
      });
      if (!this.target) this.result.skipped = 'the worker has no WANDB_API_KEY';
    } catch (err) {
      this.fail('connecting to W&B', err);
    }
  }

  /** Versions each dataset; returns OpenAI file ids recorded on unchanged versions. */
  async versionDatasets(
    datasets: DatasetSummary[],
    method: FineTuneMethodType,
  ): Promise<Map<DatasetSummary['role'], string>> {
    const known = new Map<DatasetSummary['role'], string>();
    const target = this.target;
    if (!target) return known;
    for (const d of datasets) {
      try {
        const v = await datasetVersionActivities.versionDataset.executeWithOptions(
          this.label(`version ${d.role}: ${d.path}`),
          [
            {
              target,
              role: d.role,
              path: d.path,
              digest: d.digest,
              model: this.input.model,
              method,
            },
          ],
        );
        this.refs.set(d.role, v.ref);
        this.result.datasetVersions.push({ role: d.role, ref: v.ref, created: v.created });
        if (v.knownFileId) known.set(d.role, v.knownFileId);
      } catch (err) {
        this.fail(`versioning the ${d.role} dataset`, err);
      }
    }
    return known;
  }

  async recordFile(role: DatasetSummary['role'], file: UploadedFile): Promise<void> {
    const ref = this.refs.get(role);
    if (!this.target || !ref) return;
    try {
      await datasetVersionActivities.recordDatasetFile.executeWithOptions(
        this.label(`record ${file.fileId} on the ${role} version ${ref}`),
        [{ target: this.target, ref, fileId: file.fileId }],
      );
    } catch (err) {
      this.fail(`recording ${file.fileId} on ${ref}`, err);
    }
  }

  /** Opens the run (id = job id) so metrics can stream into it while the job trains. */
  async openRun(jobId: string): Promise<void> {
    if (!this.target) return;
    try {
      const run = await pipelineWandbActivities.openWandbRun({ target: this.target, jobId });
      this.result.runPath = run.runPath;
    } catch (err) {
      this.fail('opening the W&B run', err);
      this.target = null;
    }
  }

  /** Syncs the finished job (any outcome) through the same child workflow as `finetune sync`. */
  async sync(jobId: string, files: UploadedFile[], datasets: DatasetSummary[]): Promise<void> {
    if (!this.target) return;
    const refs: DatasetArtifactRef[] = [];
    datasets.forEach((d, i) => {
      const ref = this.refs.get(d.role);
      const file = files[i];
      if (ref && file) refs.push({ role: d.role, ref, fileId: file.fileId });
    });
    try {
      const outcome = await executeChild(syncFineTune, {
        workflowId: `${workflowInfo().workflowId}/wandb`,
        args: [
          {
            jobId,
            project: this.target.project,
            entity: this.target.entity,
            overwrite: false,
            waitForJobSuccess: true,
            logDatasets: true,
            modelArtifactName: SYNC_DEFAULTS.modelArtifactName,
            modelArtifactType: SYNC_DEFAULTS.modelArtifactType,
            datasets: refs.length === datasets.length ? refs : undefined,
          },
        ],
        staticSummary: `sync ${jobId} to W&B`,
      });
      if (outcome.outcome === 'synced') {
        this.result.runPath = outcome.runPath;
        this.result.artifacts = outcome.artifacts;
      } else {
        this.result.errors.push(`W&B sync skipped: ${outcome.reason}`);
      }
    } catch (err) {
      this.fail('syncing the job to W&B', err);
    }
  }

  private fail(what: string, err: unknown): void {
    this.result.errors.push(`${what}: ${rootMessage(err)}`);
  }
}
