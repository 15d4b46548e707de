import type { WandbTarget } from '../../shared/syncTypes.js';
import { logDatasetArtifact, useDatasetArtifact, type LogDatasetInput } from './datasets.js';
import { quickWandbDeps, type WandbActivityDeps } from './deps.js';
import { pulsed } from '../pulse.js';
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
import {
  recordDatasetFile,
  versionDataset,
  type RecordFileInput,
  type VersionDatasetInput,
} from './versioning.js';
import { appendLiveMetrics, type LiveMetricsInput } from './liveMetrics.js';
import {
  applyAliasMove,
  clearCandidate,
  markCandidate,
  planAliasMove,
  type CandidateInput,
  type ClearCandidateInput,
} from './promotion.js';
import { resolveAlias, traceLineage } from './resolve.js';
import { rollbackCandidate } from './rollbackCandidate.js';
import { listUnaliasedServing, type UnaliasedServingInput } from './staleServing.js';
import type { AliasMovePlan, AliasMoveRequest, MoveRecord } from '../../shared/governanceTypes.js';

export { createWandbClient, type WandbActivityDeps, type WandbSettings } from './deps.js';

/** The W&B activities, bound to the worker's clients. */
export function createWandbActivities(deps: WandbActivityDeps) {
  const quick = quickWandbDeps(deps);
  // Best-effort calls ask for quick W&B tries; the workflow's short budget decides the rest.
  const pick = (input: { quick?: boolean }) => (input.quick ? quick : deps);
  return {
    // `optional` is the pipeline's best-effort look for W&B: quick tries, the workflow's budget.
    resolveWandbTarget: pulsed((input: { project: string; entity?: string; optional?: boolean }) =>
      resolveWandbTarget(input.optional ? quick : deps, input),
    ),
    versionDataset: (input: VersionDatasetInput) => versionDataset(pick(input), input),
    recordDatasetFile: pulsed((input: RecordFileInput) => recordDatasetFile(pick(input), input)),
    appendLiveMetrics: pulsed((input: LiveMetricsInput) => appendLiveMetrics(quick, input)),
    findWandbRun: pulsed((input: { target: WandbTarget; runId: string }) =>
      findWandbRun(deps, input),
    ),
    openWandbRun: pulsed((input: OpenRunInput) => openWandbRun(pick(input), input)),
    logResultsHistory: (input: LogHistoryInput) => logResultsHistory(deps, input),
    logDatasetArtifact: (input: LogDatasetInput) => logDatasetArtifact(deps, input),
    useDatasetArtifact: pulsed(
      (input: { target: WandbTarget; runId: string; ref: string; fileId: string }) =>
        useDatasetArtifact(deps, input),
    ),
    logModelArtifact: pulsed((input: LogModelInput) => logModelArtifact(deps, input)),
    finishWandbRun: pulsed((input: FinishRunInput) => finishWandbRun(deps, input)),
    planAliasMove: pulsed((input: AliasMoveRequest) => planAliasMove(deps, input)),
    rollbackCandidate: pulsed((input: AliasMoveRequest) => rollbackCandidate(deps, input)),
    applyAliasMove: pulsed((input: { plan: AliasMovePlan; record: MoveRecord }) =>
      applyAliasMove(deps, input),
    ),
    listUnaliasedServing: pulsed((input: UnaliasedServingInput) =>
      listUnaliasedServing(deps, input),
    ),
    markCandidate: pulsed((input: CandidateInput) => markCandidate(deps, input)),
    clearCandidate: pulsed((input: ClearCandidateInput) => clearCandidate(deps, input)),
    resolveAlias: pulsed((input: { target: WandbTarget; collection: string; alias: string }) =>
      resolveAlias(deps, input),
    ),
    traceLineage: pulsed((input: { target: WandbTarget; collection: string; start: string }) =>
      traceLineage(deps, input),
    ),
  };
}
