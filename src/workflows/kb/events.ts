import { workflowInfo } from '@temporalio/workflow';
import { DECISION_SIGNAL_INPUT, kbDecisionCommands } from '../../shared/commandHints.js';
import type { EventIndexPointer, EventKbRef, HowToDecide } from '../../shared/eventTypes.js';
import type { KbMoveResult, KbProgress, StoreRef } from '../../shared/knowledgeBaseTypes.js';

// The knowledge base's event payloads (kb.*), built from its state: ids and refs only
// (docs/events.md). The desk's decision and gates reuse the fine-tune's shapes (pipelineEvents.ts).

/** Which ingest, store, index version, W&B versions and corpus an event is about, so far. */
export function kbEventRef(progress: KbProgress): EventKbRef {
  const info = workflowInfo();
  const w = progress.wandb;
  const wandb = {
    ...(w.index ? { index: w.index } : {}),
    ...(w.documents ? { documents: w.documents } : {}),
    ...(w.chunks ? { chunks: w.chunks } : {}),
  };
  return {
    workflowId: info.workflowId,
    runId: info.firstExecutionRunId,
    namespace: info.namespace,
    kb: progress.kb,
    ...(progress.store
      ? { store: { kind: progress.store.kind, location: progress.store.location } }
      : {}),
    ...(progress.index ? { indexVersion: progress.index.versionId } : {}),
    ...(Object.keys(wandb).length ? { wandb } : {}),
    ...(progress.corpus
      ? {
          corpus: {
            documentsDigest: progress.corpus.documentsDigest,
            chunkSetDigest: progress.corpus.chunkSetDigest,
          },
        }
      : {}),
  };
}

/** `finetune kb approve|reject` (NAME is the person's to fill in) and the signals. */
export function kbHowToDecide(workflowId: string, namespace: string): HowToDecide {
  const { approve, reject } = kbDecisionCommands(workflowId, 'NAME', { namespace });
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

/** Where production is after a move: what a RAG service re-opens. */
export function indexPointer(kind: StoreRef['kind'], moved: KbMoveResult): EventIndexPointer {
  return {
    store: kind,
    location: moved.store,
    version: moved.to,
    replaced: moved.from,
    moved: moved.moved,
  };
}
