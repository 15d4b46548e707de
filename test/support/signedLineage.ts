import type { CandidateIdentity } from '../../src/shared/approvalTypes.js';
import type { GovernanceEvent, LineageReport } from '../../src/shared/governanceTypes.js';
import type { GateResult } from '../../src/shared/promotionTypes.js';
import { digestOf } from '../../src/approvals/index.js';
import { policyFor, signedBy, testSigner } from './approvalKeys.js';

// A model version's lineage as W&B would hold it after a 2-of-2 signed promotion (alice, bob):
// faithful as built, for tests to tamper with.

export const alice = testSigner('alice', ['ml-lead']);
export const bob = testSigner('bob', ['security']);
export const mallory = testSigner('mallory', ['ml-lead']);
export const loaded = policyFor([alice, bob], { promote: { approvals: 2 } });
export const gates: GateResult[] = [
  { gate: 'pii', policy: 'block', verdict: 'pass', summary: 'no PII found' },
];
export const MODEL = 'team/proj/model-metadata:v3';
export const candidate: CandidateIdentity = {
  kind: 'fine-tune',
  jobId: 'ftjob-1',
  fineTunedModel: 'ft:gpt-4.1-mini:acme::abc',
  baseModel: 'gpt-4.1-mini',
  modelVersion: MODEL,
  modelDigest: 'd1g35t',
  datasets: [{ role: 'training', digest: 'aa11', version: 'team/proj/train:v2' }],
  gatesDigest: digestOf(gates),
};
export const AT = '2026-12-07T12:00:00.000Z';
export const sign = (who = alice, over: Partial<Parameters<typeof signedBy>[1]> = {}) =>
  signedBy(who, {
    workflowId: 'wf-1',
    candidate,
    policyDigest: loaded.digest,
    issuedAt: new Date(Date.parse(AT) - 60_000),
    ...over,
  });

export function report(decisions = [sign(alice), sign(bob)], by = 'alice, bob'): LineageReport {
  const promoted: GovernanceEvent = {
    id: 'wf-1/promote:promoted',
    kind: 'promoted',
    alias: 'production',
    at: AT,
    by,
    how: 'update',
    workflowId: 'wf-1',
    replaced: null,
    signed: { policyDigest: loaded.digest, decisions },
  };
  return {
    model: {
      ref: MODEL,
      aliases: ['production', 'ftjob-1'],
      jobId: 'ftjob-1',
      fineTunedModel: 'ft:gpt-4.1-mini:acme::abc',
      servedAs: null,
      baseModel: 'gpt-4.1-mini',
      digest: 'd1g35t',
    },
    migratedFrom: null,
    runPath: 'team/proj/ftjob-1',
    datasets: [
      {
        role: 'training',
        ref: 'team/proj/train:v2',
        digest: 'aa11',
        examples: 10,
        fileIds: [],
        aliases: [],
      },
    ],
    promotion: {
      approvedBy: by,
      at: AT,
      how: 'update',
      comment: null,
      replaced: null,
      workflowId: 'wf-1',
    },
    gates,
    log: [promoted],
    approvalPolicies: { [loaded.digest]: loaded.policy },
  };
}
