import { digestOf } from '../approvals/index.js';
import type { CandidateIdentity } from '../shared/approvalTypes.js';
import type { GateResult } from '../shared/promotionTypes.js';
import type { DatasetSummary } from '../shared/types.js';

/**
 * What a signed decision on a fine-tune is bound to: the model (its W&B version and that
 * version's digest, when W&B has it; the job and the model id always), the datasets by content
 * digest (and W&B version) and the gate results by digest. Any change after signing is drift.
 */
export function fineTuneCandidate(c: {
  jobId: string;
  fineTunedModel: string;
  baseModel: string;
  model: { ref: string; digest: string } | null;
  datasets: DatasetSummary[];
  datasetVersions: { role: string; ref: string }[];
  gates: GateResult[];
}): CandidateIdentity {
  return {
    kind: 'fine-tune',
    jobId: c.jobId,
    fineTunedModel: c.fineTunedModel,
    baseModel: c.baseModel,
    modelVersion: c.model?.ref ?? null,
    modelDigest: c.model?.digest ?? null,
    datasets: c.datasets.map((d) => ({
      role: d.role,
      digest: d.digest,
      version: c.datasetVersions.find((v) => v.role === d.role)?.ref ?? null,
    })),
    gatesDigest: digestOf(c.gates),
  };
}
