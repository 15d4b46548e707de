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
