import type { WandbTarget } from '../../shared/syncTypes.js';
import { logDatasetArtifact, useDatasetArtifact, type LogDatasetInput } from './datasets.js';
import type { WandbActivityDeps } from './deps.js';
import { logResultsHistory, type LogHistoryInput } from './history.js';
import { logModelArtifact, type LogModelInput } from './model.js';
import {
  findWandbRun,
  finishWandbRun,
  openWandbRun,
  resolveWandbTarget,
  type FinishRunInput,
  type OpenRunInput,
} from './runs.js';
import { recordDatasetFile, versionDataset, type VersionDatasetInput } from './versioning.js';
import { appendLiveMetrics, type LiveMetricsInput } from './liveMetrics.js';

export { createWandbClient, type WandbActivityDeps, type WandbSettings } from './deps.js';

/** The W&B activities, bound to the worker's clients. */
export function createWandbActivities(deps: WandbActivityDeps) {
  return {
    resolveWandbTarget: (input: { project: string; entity?: string; optional?: boolean }) =>
      resolveWandbTarget(deps, input),
    versionDataset: (input: VersionDatasetInput) => versionDataset(deps, input),
    recordDatasetFile: (input: { target: WandbTarget; ref: string; fileId: string }) =>
      recordDatasetFile(deps, input),
    appendLiveMetrics: (input: LiveMetricsInput) => appendLiveMetrics(deps, input),
    findWandbRun: (input: { target: WandbTarget; runId: string }) => findWandbRun(deps, input),
    openWandbRun: (input: OpenRunInput) => openWandbRun(deps, input),
    logResultsHistory: (input: LogHistoryInput) => logResultsHistory(deps, input),
    logDatasetArtifact: (input: LogDatasetInput) => logDatasetArtifact(deps, input),
    useDatasetArtifact: (input: {
      target: WandbTarget;
      runId: string;
      ref: string;
      fileId: string;
    }) => useDatasetArtifact(deps, input),
    logModelArtifact: (input: LogModelInput) => logModelArtifact(deps, input),
    finishWandbRun: (input: FinishRunInput) => finishWandbRun(deps, input),
  };
}
