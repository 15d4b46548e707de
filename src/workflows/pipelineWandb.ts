import {
  ChildWorkflowCancellationType,
  ChildWorkflowFailure,
  condition,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  startChild,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { SYNC_DEFAULTS, type SyncOutcome, type WandbTarget } from '../shared/syncTypes.js';
import type {
  DatasetSummary,
  FineTuneMethodType,
  PipelineInput,
  PipelineWandbResult,
  UploadedFile,
} from '../shared/types.js';
import {
  briefWandbActivities,
  datasetVersionActivities,
  pipelineWandbActivities,
} from './activityOptions.js';
import { isPermanent, rethrowCancellation } from './failures.js';
import { pipelineSyncInput } from './pipelineSyncInput.js';
import { syncFineTune } from './syncFineTune.js';
import { rootMessage } from '../shared/rootCause.js';
import {
  FIND_ENTITY_BUDGET_MS,
  OPEN_RUN_BUDGET_MS,
  RECORD_FILE_BUDGET_MS,
  versioningBudgetMs,
} from './wandbBudgets.js';

type Role = DatasetSummary['role'];

const NO_KEY = 'the worker has no WANDB_API_KEY';

const within = (ms: number): ActivityOptions => ({ scheduleToCloseTimeout: ms });

/** How this run's W&B side behaves, resolved by the pipeline from its patches. */
export interface PipelineWandbBehaviour {
  /** Activity summaries name the dataset they work on. */
  labelActivities: boolean;
  /** Short budgets before the wait; what W&B does not answer in them is owed to the sync child. */
  deferOnOutage: boolean;
}

/**
 * The pipeline's W&B side. Every step is best effort: a W&B problem is recorded in the result
 * and the Temporal UI, never allowed to stop or fail the fine-tune itself.
 *
 * With `deferOnOutage` (runs since `wandb-never-holds-the-fine-tune`): every call before the wait has a
 * short budget; what W&B does not answer in it is owed (`result.deferred`) to the sync child,
 * which the pipeline starts at the job's end and awaits only where promotion needs W&B. The child
 * catches up (entity, dataset versions, file ids, the run) once W&B answers again. An outage never
 * turns W&B off for the pipeline; only a missing key (or one W&B refuses) does, and says which.
 */
export class PipelineWandb {
  readonly result: PipelineWandbResult = { datasetVersions: [], artifacts: [], errors: [] };
  private target: WandbTarget | null = null;
  private readonly refs = new Map<Role, string>();
  /** W&B is configured but did not answer in a budget: the rest before the wait is owed too. */
  private unreachable = false;
  private readonly owedVersions = new Set<Role>();
  private readonly owedFiles = new Set<Role>();
  private runOpened = false;
  private syncRun?: { workflowId: string; settled: boolean };
  /** Told when the pipeline has to wait for W&B, for the UI's details. */
  onWait?: (details: string) => void;

  private readonly labelled: boolean;
  private readonly deferrable: boolean;

  constructor(
    private readonly input: PipelineInput,
    behaviour: PipelineWandbBehaviour,
  ) {
    this.labelled = behaviour.labelActivities;
    this.deferrable = behaviour.deferOnOutage;
  }

  private label(summary: string): { summary?: string } {
    return this.labelled ? { summary } : {};
  }

  get live(): { target: WandbTarget } | undefined {
    if (this.deferrable && !this.runOpened) return undefined;
    return this.target ? { target: this.target } : undefined;
  }

  /** Where W&B writes go, or null when W&B is off, failed to connect, or is not known yet. */
  get wandbTarget(): WandbTarget | null {
    return this.target;
  }

  /** Why there is no W&B target: off, no key, a refused key, or W&B not reached yet. */
  get whyNoTarget(): string {
    if (this.input.wandb === false) return 'W&B is turned off for this pipeline (wandb: false)';
    if (this.unreachable) {
      return `W&B has not answered since before the job, and its sync (${this.syncRun?.workflowId ?? 'not started'}) did not reach it`;
    }
    if (this.result.skipped && this.result.skipped !== NO_KEY) return this.result.skipped;
    return 'no W&B registry is configured on this worker (no WANDB_API_KEY)';
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
    const request = {
      project: this.input.wandb?.project ?? SYNC_DEFAULTS.project,
      entity: this.input.wandb?.entity,
      optional: true,
    };
    try {
      this.target = this.deferrable
        ? await briefWandbActivities.resolveWandbTarget.executeWithOptions(
            within(FIND_ENTITY_BUDGET_MS),
            [request],
          )
        : await pipelineWandbActivities.resolveWandbTarget(request);
      if (!this.target) this.result.skipped = NO_KEY;
    } catch (err) {
      rethrowCancellation(err);
      if (this.deferrable && !isPermanent(err)) {
        this.defer('finding the W&B entity', err);
        return;
      }
      this.fail('connecting to W&B', err);
      // A key W&B refuses stays refused: W&B is off for this pipeline, and the result says why.
      if (this.deferrable) this.result.skipped = `W&B refused this worker: ${rootMessage(err)}`;
    }
  }

  /** Versions each dataset; returns OpenAI file ids recorded on unchanged versions. */
  async versionDatasets(
    datasets: DatasetSummary[],
    method: FineTuneMethodType,
  ): Promise<Map<DatasetSummary['role'], string>> {
    const known = new Map<DatasetSummary['role'], string>();
    for (const d of datasets) {
      if (this.unreachable) {
        this.owe(`versioning the ${d.role} dataset`);
        this.owedVersions.add(d.role);
        continue;
      }
      const target = this.target;
      if (!target) return known;
      const args = {
        target,
        role: d.role,
        path: d.path,
        digest: d.digest,
        model: this.input.model,
        method,
        ...(this.deferrable ? { quick: true } : {}),
      };
      try {
        const v = this.deferrable
          ? await briefWandbActivities.versionDataset.executeWithOptions(
              {
                ...this.label(`version ${d.role}: ${d.path}`),
                startToCloseTimeout: '30 minutes',
                heartbeatTimeout: '1 minute',
                scheduleToCloseTimeout: versioningBudgetMs(d.bytes),
                retry: { maximumAttempts: 2 },
              },
              [args],
            )
          : await datasetVersionActivities.versionDataset.executeWithOptions(
              this.label(`version ${d.role}: ${d.path}`),
              [args],
            );
        this.refs.set(d.role, v.ref);
        this.result.datasetVersions.push({ role: d.role, ref: v.ref, created: v.created });
        if (v.knownFileId) known.set(d.role, v.knownFileId);
      } catch (err) {
        rethrowCancellation(err);
        if (this.deferrable && !isPermanent(err)) {
          this.defer(`versioning the ${d.role} dataset`, err);
          this.owedVersions.add(d.role);
          continue;
        }
        this.fail(`versioning the ${d.role} dataset`, err);
      }
    }
    return known;
  }

  async recordFile(role: DatasetSummary['role'], file: UploadedFile): Promise<void> {
    const ref = this.refs.get(role);
    if (!this.target || !ref) return; // an owed version records its file when it is made
    if (this.unreachable) {
      this.owe(`recording ${file.fileId} on ${ref}`);
      this.owedFiles.add(role);
      return;
    }
    const args = {
      target: this.target,
      ref,
      fileId: file.fileId,
      ...(this.deferrable ? { quick: true } : {}),
    };
    const summary = this.label(`record ${file.fileId} on the ${role} version ${ref}`);
    try {
      if (this.deferrable) {
        await briefWandbActivities.recordDatasetFile.executeWithOptions(
          { ...summary, ...within(RECORD_FILE_BUDGET_MS) },
          [args],
        );
      } else {
        await datasetVersionActivities.recordDatasetFile.executeWithOptions(summary, [args]);
      }
    } catch (err) {
      rethrowCancellation(err);
      if (this.deferrable && !isPermanent(err)) {
        this.defer(`recording ${file.fileId} on ${ref}`, err);
        this.owedFiles.add(role);
        return;
      }
      this.fail(`recording ${file.fileId} on ${ref}`, err);
    }
  }

  /** Opens the run (id = job id) so metrics can stream into it while the job trains. */
  async openRun(jobId: string): Promise<void> {
    if (this.unreachable) return this.owe('opening the W&B run');
    if (!this.target) return;
    try {
      const run = this.deferrable
        ? await briefWandbActivities.openWandbRun.executeWithOptions(within(OPEN_RUN_BUDGET_MS), [
            { target: this.target, jobId, quick: true },
          ])
        : await pipelineWandbActivities.openWandbRun({ target: this.target, jobId });
      this.result.runPath = run.runPath;
      this.runOpened = true;
    } catch (err) {
      rethrowCancellation(err);
      if (this.deferrable) {
        // No live metrics then; the sync opens the run.
        if (isPermanent(err)) this.fail('opening the W&B run', err);
        else this.defer('opening the W&B run', err);
        return;
      }
      this.fail('opening the W&B run', err);
      this.target = null;
    }
  }

  /** Syncs the finished job (any outcome) through the same child workflow as `finetune sync`. */
  async sync(jobId: string, files: UploadedFile[], datasets: DatasetSummary[]): Promise<void> {
    if (!this.target) return;
    try {
      const outcome = await executeChild(syncFineTune, {
        workflowId: `${workflowInfo().workflowId}/wandb`,
        args: [this.syncInput(jobId, files, datasets)],
        staticSummary: `sync ${jobId} to W&B`,
      });
      this.applySync(outcome);
    } catch (err) {
      rethrowCancellation(err);
      this.fail('syncing the job to W&B', err);
    }
  }

  /**
   * Starts the sync of the finished job (any outcome) and the owed catch-up, in a child workflow
   * that outlives the pipeline if need be: nothing waits for it here (see `synced`).
   */
  async startSync(jobId: string, files: UploadedFile[], datasets: DatasetSummary[]): Promise<void> {
    if (this.syncRun || (!this.target && !this.unreachable)) return;
    const workflowId = `${workflowInfo().workflowId}/wandb`;
    try {
      const handle = await startChild(syncFineTune, {
        workflowId,
        args: [this.syncInput(jobId, files, datasets)],
        staticSummary: `sync ${jobId} to W&B`,
        // The job has ended: its W&B record is owed whatever becomes of the pipeline.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        cancellationType: ChildWorkflowCancellationType.ABANDON,
      });
      const run = { workflowId, settled: false };
      this.syncRun = run;
      this.result.sync = { workflowId, state: 'running' };
      // Settles in a later activation; a cancelled pipeline stops waiting, the child goes on.
      void handle.result().then(
        (outcome) => {
          this.applySync(outcome);
          run.settled = true;
        },
        (err: unknown) => {
          // The pipeline's own cancellation: it ends through its own awaits; the child goes on.
          // (The child's end, cancelled or failed, comes as a ChildWorkflowFailure.)
          if (!(err instanceof ChildWorkflowFailure) && isCancellation(err)) return;
          this.fail('syncing the job to W&B', err);
          this.result.sync = { workflowId, state: 'failed' };
          run.settled = true;
        },
      );
    } catch (err) {
      rethrowCancellation(err);
      this.fail('starting the W&B sync', err);
    }
  }

  /**
   * Waits for the sync started by `startSync` (none: at once): all of it, or at most `limitMs`.
   * False when it goes on past the limit (in its own workflow; the result says where).
   */
  async synced(why: string, limitMs?: number): Promise<boolean> {
    const run = this.syncRun;
    if (!run || run.settled) return true;
    this.onWait?.(`waiting for the W&B sync (\`${run.workflowId}\`): ${why}`);
    if (limitMs === undefined) {
      await condition(() => run.settled);
      return true;
    }
    const done = await condition(() => run.settled, limitMs);
    if (!done) {
      (this.result.deferred ??= []).push(
        `syncing the job: not finished ${Math.round(limitMs / 1000)} s after the job ended; it goes on in ${run.workflowId}`,
      );
    }
    return done;
  }

  private syncInput(jobId: string, files: UploadedFile[], datasets: DatasetSummary[]) {
    const { input, target, refs, owedVersions, owedFiles } = this;
    return pipelineSyncInput(
      { input, target, refs, owedVersions, owedFiles },
      jobId,
      files,
      datasets,
    );
  }

  private applySync(outcome: SyncOutcome): void {
    if (outcome.outcome !== 'synced') {
      this.result.errors.push(`W&B sync skipped: ${outcome.reason}`);
      if (this.syncRun) this.result.sync = { workflowId: this.syncRun.workflowId, state: 'done' };
      return;
    }
    this.result.runPath = outcome.runPath;
    this.result.artifacts = outcome.artifacts;
    if (!this.target) {
      // W&B was unreachable before the job: the sync found the entity.
      const [entity, project] = outcome.runPath.split('/');
      if (entity && project) this.target = { entity, project };
    }
    for (const d of outcome.datasets ?? []) {
      if (this.refs.get(d.role) === d.ref) continue;
      this.refs.set(d.role, d.ref);
      this.result.datasetVersions.push({ role: d.role, ref: d.ref, created: d.created ?? false });
    }
    if (this.syncRun) this.result.sync = { workflowId: this.syncRun.workflowId, state: 'done' };
  }

  /** W&B did not answer within a budget: this and the rest before the wait are owed. */
  private defer(what: string, err: unknown): void {
    this.unreachable = true;
    (this.result.deferred ??= []).push(`${what}: W&B did not answer in time (${rootMessage(err)})`);
  }

  private owe(what: string): void {
    (this.result.deferred ??= []).push(`${what}: W&B was unreachable`);
  }

  private fail(what: string, err: unknown): void {
    this.result.errors.push(`${what}: ${rootMessage(err)}`);
  }
}
