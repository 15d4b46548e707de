import type { LineageDataset, LineageReport, ResolvedAlias } from '../../shared/governanceTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { ArtifactVersion, WandbClient } from '../../wandb/index.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import {
  approvalPoliciesOf,
  gatesOf,
  governanceLog,
  promotionOf,
  trainedOnOf,
} from './governance.js';
import { fetchVersion, versionRef } from './promotion.js';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** What an alias points to now; `fineTunedModel` is what a deploy script passes as `model`. */
export async function resolveAlias(
  deps: WandbActivityDeps,
  input: { target: WandbTarget; collection: string; alias: string },
): Promise<ResolvedAlias | null> {
  const wandb = requireWandb(deps);
  const v = await fetchVersion(wandb, input.target, `${input.collection}:${input.alias}`);
  if (!v) return null;
  const facts = promotionOf(v.metadata);
  return {
    alias: input.alias,
    ref: versionRef(v),
    version: v.version,
    fineTunedModel: str(v.metadata.fine_tuned_model),
    servedAs: facts?.serving?.servedAs ?? str(v.metadata.fine_tuned_model),
    ...(facts?.serving?.deployment
      ? {
          serving: {
            kind: facts.serving.deployment.kind ?? 'deployment',
            hardware: facts.serving.deployment.sku,
            replicas: facts.serving.deployment.capacity,
            costPerHourUsd: facts.serving.deployment.costPerHourUsd ?? null,
          },
        }
      : {}),
    jobId: str(v.metadata.id),
    baseModel: str(v.metadata.model),
    promotedBy: facts?.approvedBy ?? null,
    promotedAt: facts?.approvedAt ?? null,
    replaced: facts?.replaced ?? null,
    aliases: v.aliases,
  };
}

/** A model version from a ref (`name:vN`, `entity/project/name:alias`) or a job id. */
async function startVersion(
  wandb: WandbClient,
  target: WandbTarget,
  collection: string,
  start: string,
): Promise<ArtifactVersion> {
  const ref = start.includes(':') ? start : `${collection}:${start}`;
  const v = await fetchVersion(wandb, target, ref);
  if (!v) {
    throw ApplicationFailure.nonRetryable(
      `${ref} is not in W&B ${target.entity}/${target.project}: give a model version (e.g. ${collection}:v3), a job id, or a pipeline's workflow id.`,
      ErrorType.WandbNotFound,
    );
  }
  return v;
}

async function datasetOf(
  wandb: WandbClient,
  target: WandbTarget,
  role: string,
  ref: string,
): Promise<LineageDataset> {
  const v = await fetchVersion(wandb, target, ref);
  return {
    role,
    ref: v ? versionRef(v) : ref,
    digest: v ? str(v.metadata.sha256) : null,
    examples: v && typeof v.metadata.examples === 'number' ? v.metadata.examples : null,
    fileIds: v ? v.aliases.filter((a) => /^file-/.test(a)) : [],
    aliases: v ? v.aliases.filter((a) => !/^file-/.test(a)) : [],
  };
}

/**
 * The audit chain of one model version: dataset versions (digest, provider files) → job → W&B
 * run → model version → aliases, who approved it and what it replaced, with the gate results.
 */
export async function traceLineage(
  deps: WandbActivityDeps,
  input: { target: WandbTarget; collection: string; start: string },
): Promise<LineageReport> {
  const wandb = requireWandb(deps);
  const v = await startVersion(wandb, input.target, input.collection, input.start);
  const facts = promotionOf(v.metadata);
  const trainedOn = trainedOnOf(v.metadata);
  const datasets: LineageDataset[] = [];
  for (const d of trainedOn) datasets.push(await datasetOf(wandb, input.target, d.role, d.ref));
  const jobId = str(v.metadata.id);
  return {
    model: {
      ref: versionRef(v),
      aliases: v.aliases,
      jobId,
      fineTunedModel: str(v.metadata.fine_tuned_model),
      servedAs: facts?.serving?.servedAs ?? null,
      baseModel: str(v.metadata.model),
      digest: v.digest,
    },
    migratedFrom:
      v.metadata.migratedFrom && typeof v.metadata.migratedFrom === 'object'
        ? (v.metadata.migratedFrom as Record<string, string>)
        : null,
    runPath: jobId ? `${v.entity}/${v.project}/${jobId}` : null,
    datasets,
    promotion: facts
      ? {
          approvedBy: facts.approvedBy,
          at: facts.approvedAt,
          how: facts.how ?? null,
          comment: facts.comment ?? null,
          replaced: facts.replaced,
          workflowId: facts.workflowId,
        }
      : null,
    gates: gatesOf(v.metadata),
    log: governanceLog(v.metadata),
    approvalPolicies: approvalPoliciesOf(v.metadata),
  };
}
