import type { OutgoingEvent } from '../../../src/shared/eventTypes.js';

const pipeline = {
  workflowId: 'finetune-abc',
  runId: '0190-run',
  namespace: 'default',
  baseModel: 'gpt-4o-mini-2024-07-18',
  jobId: 'ftjob-123',
  fineTunedModel: 'ft:gpt-4o-mini-2024-07-18:org::abc',
  datasets: [{ role: 'training' as const, digest: 'sha256:00ff', version: 'e/p/train:v3' }],
};

export const approvalRequested: OutgoingEvent = {
  id: 'evt_finetune-abc_0190-run_approval.requested',
  type: 'approval.requested',
  timestamp: '2026-12-07T15:00:00.000Z',
  data: {
    ...pipeline,
    alias: 'production',
    gates: [{ gate: 'pii', verdict: 'pass', summary: 'pii: none found' }],
    decide: {
      approve: 'npx finetune approve finetune-abc --by NAME',
      reject: "npx finetune reject finetune-abc --by NAME --comment 'why not'",
      signals: { approve: 'approvePromotion', reject: 'rejectPromotion', input: '{"by":"NAME"}' },
    },
  },
};

export const promotionCompleted: OutgoingEvent = {
  id: 'evt_finetune-abc_0190-run_promotion.completed',
  type: 'promotion.completed',
  timestamp: '2026-12-07T15:05:00.000Z',
  data: {
    ...pipeline,
    alias: 'production',
    promoted: true,
    approvedBy: 'ana',
    modelVersion: 'e/p/model-metadata:v4',
    replaced: 'e/p/model-metadata:v3',
    datasetVersions: [{ role: 'training', ref: 'e/p/train:v3' }],
    servedAs: 'ft:gpt-4o-mini-2024-07-18:org::abc',
  },
};

const ingest = {
  workflowId: 'kb-handbook-1',
  runId: '0190-kb-run',
  namespace: 'default',
  kb: 'handbook',
  store: { kind: 'lancedb' as const, location: '/srv/kb/lancedb' },
  indexVersion: 'cand-kb-handbook-1:7',
  wandb: { index: 'e/p/handbook-index:v2' },
};

export const kbApprovalRequested: OutgoingEvent = {
  id: 'evt_kb-handbook-1_0190-kb-run_kb.approval.requested',
  type: 'kb.approval.requested',
  timestamp: '2026-12-07T16:00:00.000Z',
  data: {
    ...ingest,
    alias: 'production',
    gates: [{ gate: 'retrieval', verdict: 'pass', summary: 'retrieval: recall@5 0.92 (was 0.88)' }],
    decide: {
      approve: 'npx finetune kb approve kb-handbook-1 --by NAME',
      reject: "npx finetune kb reject kb-handbook-1 --by NAME --comment 'why not'",
      signals: { approve: 'approvePromotion', reject: 'rejectPromotion', input: '{"by":"NAME"}' },
    },
  },
};

export const kbPromotionCompleted: OutgoingEvent = {
  id: 'evt_kb-handbook-1_0190-kb-run_kb.promotion.completed',
  type: 'kb.promotion.completed',
  timestamp: '2026-12-07T16:05:00.000Z',
  data: {
    ...ingest,
    alias: 'production',
    approvedBy: 'ana',
    index: {
      store: 'lancedb',
      location: '/srv/kb/lancedb',
      version: 'cand-kb-handbook-1:7',
      replaced: 'cand-kb-handbook-0:4',
      moved: true,
    },
    indexVersionRef: 'e/p/handbook-index:v2',
    replacedRef: 'e/p/handbook-index:v1',
    datasetVersions: [{ role: 'documents', ref: 'e/p/handbook-documents:v2' }],
  },
};
