import { workflowInfo } from '@temporalio/workflow';
import { DECISION_SIGNAL_INPUT, decisionCommands } from '../shared/commandHints.js';
import type {
  EventGate,
  EventPipelineRef,
  HowToDecide,
  PromotionCompletedData,
} from '../shared/eventTypes.js';
import type { Decision, GateResult, PromotionOutcome } from '../shared/promotionTypes.js';
import type { PipelineInput, PipelineProgress } from '../shared/types.js';
import type { PipelineWandb } from './pipelineWandb.js';

// The pipeline's event payloads, built from its state: ids and refs only (docs/events.md).

/** Which pipeline, job, model and dataset versions an event is about, as far as they exist. */
export function pipelineRef(
  input: PipelineInput,
  progress: PipelineProgress,
  wandb: PipelineWandb,
): EventPipelineRef {
  const info = workflowInfo();
  const versions = new Map(wandb.datasetRefs().map((d) => [d.role, d.ref]));
  const model = progress.job?.fineTunedModel;
  return {
    workflowId: info.workflowId,
    runId: info.firstExecutionRunId,
    namespace: info.namespace,
    baseModel: input.model,
    ...(progress.jobId ? { jobId: progress.jobId } : {}),
    ...(model ? { fineTunedModel: model } : {}),
    datasets: progress.datasets.map((d) => {
      const version = versions.get(d.role);
      return { role: d.role, digest: d.digest, ...(version ? { version } : {}) };
    }),
  };
}

export function eventGates(gates: readonly GateResult[]): EventGate[] {
  return gates.map((g) => ({ gate: g.gate, verdict: g.verdict, summary: g.summary }));
}

/** The commands (as NAME) and signals that decide, as the UI's details print them. */
export function howToDecide(workflowId: string, namespace: string): HowToDecide {
  const { approve, reject } = decisionCommands(workflowId, 'NAME', { namespace });
  return {
    approve,
    reject,
    signals: {
      approve: 'approvePromotion',
      reject: 'rejectPromotion',
      input: DECISION_SIGNAL_INPUT,
    },
  };
}

export function eventDecision(d: Decision) {
  return {
    decision: d.decision,
    by: d.by,
    how: d.how,
    at: d.at,
    ...(d.comment ? { comment: d.comment } : {}),
  };
}

export function promotionCompleted(
  ref: EventPipelineRef,
  p: PromotionOutcome,
  approvedBy: string,
): PromotionCompletedData {
  return {
    ...ref,
    alias: p.alias,
    promoted: p.promoted,
    approvedBy,
    ...(p.modelVersion ? { modelVersion: p.modelVersion } : {}),
    ...(p.replaced !== undefined ? { replaced: p.replaced } : {}),
    datasetVersions: p.datasetVersions.map((d) => ({ role: d.role, ref: d.ref })),
    ...(p.serving ? { servedAs: p.serving.servedAs } : {}),
    ...(p.registryLink ? { registryLink: p.registryLink } : {}),
    ...(p.note ? { note: p.note } : {}),
  };
}
