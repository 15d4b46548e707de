// What promotion, rollback, resolve and lineage pass through history. Workflow-safe.
import type { WandbTarget } from './syncTypes.js';
import type { Decision, GateResult } from './promotionTypes.js';
import type { DatasetMoveResult, DatasetRemovalResult, PrunedServing } from './aliasMoveResults.js';
import type { ServingRecord, ServingState } from './providerTypes.js';
import type { ApprovalPolicy, SignedRecord } from './approvalTypes.js';

/** One entry of a version's audit log (metadata key `governanceLog`). */
export interface GovernanceEvent {
  /** Stable per action, so a retried write never appends it twice. */
  id: string;
  /** `rejected`: a signed rejection of the candidate (under an approval policy). */
  kind: 'candidate' | 'promoted' | 'rejected' | 'replaced' | 'rollback_to' | 'rolled_back';
  alias: string;
  at: string;
  by: string;
  how?: Decision['how'] | 'rollback';
  comment?: string;
  reason?: string;
  /** promoted / rollback_to: the version that held the alias before. */
  replaced?: string | null;
  /**
   * replaced / rolled_back: the version that took the alias. For a dataset version that lost the
   * alias because the new production model was not trained on its collection: the new model's
   * dataset of the same role, else the new model version.
   */
  movedTo?: string;
  workflowId: string;
  /**
   * promoted / rollback_to / rejected on a model version, under an approval policy: the signed decisions
   * and the policy's digest (the policy itself is in the version's `approvalPolicies`).
   */
  signed?: SignedRecord;
}

/** The version refs a move touches, resolved once (recorded in history) before anything changes. */
export interface VersionMove {
  /** A model and its datasets; a knowledge base's index (as `model`) and its documents and chunks. */
  role: 'model' | 'training' | 'validation' | 'documents' | 'chunks';
  collection: string;
  /** `entity/project/collection:vN` and the server id of the version that gets the alias. */
  ref: string;
  id: string;
  replaced: string | null;
  replacedId: string | null;
  /**
   * Datasets: the version of this role the alias leaves, in any collection (the outgoing
   * production model's dataset of the role, else `replaced`). Absent in plans recorded before it.
   */
  from?: string | null;
}

/**
 * A dataset version that loses the alias: the outgoing production model was trained on it, and
 * the incoming one was trained on nothing in its collection (e.g. `walk-train` → `train`).
 */
export interface AliasRemoval {
  role: VersionMove['role'];
  collection: string;
  ref: string;
  id: string;
  /** What takes its place: the incoming model's dataset of the same role, else the model. */
  movedTo: string;
}

export interface AliasMoveRequest {
  kind: 'promote' | 'rollback';
  target: WandbTarget;
  alias: string;
  /** The model artifact collection (default `model-metadata`). */
  collection: string;
  /** promote: the version to promote (an alias such as the job id, or vN); rollback: `--to`. */
  version?: string;
  /** promote: the pipeline's dataset versions, to move the alias on too. */
  datasets?: { role: Exclude<VersionMove['role'], 'model'>; ref: string }[];
  registry?: { collection: string; kind?: 'registry' | 'legacy'; registryName?: string };
  /**
   * promote: afterwards, remove the deployments of earlier versions that no alias points to,
   * keeping the one the new version replaced (the default rollback target).
   */
  pruneServing?: boolean;
}

export interface AliasMovePlan {
  kind: AliasMoveRequest['kind'];
  alias: string;
  target: WandbTarget;
  moves: VersionMove[];
  /** Dataset versions that lose the alias (absent in plans recorded before removals existed). */
  removals?: AliasRemoval[];
  /** Nothing to do: the alias is already where it should be. */
  alreadyThere: boolean;
  registry?: AliasMoveRequest['registry'];
  /** rollback: how the target version was served when it was promoted (its deployment). */
  serving?: ServingRecord;
}

/** A deployment of an earlier version that no alias points to any more. */
export interface UnaliasedServing {
  ref: string;
  serving: ServingRecord;
}

/** What the move records on the versions: who, when, how and why. */
export interface MoveRecord {
  id: string;
  at: string;
  by: string;
  how?: Decision['how'] | 'rollback';
  comment?: string;
  reason?: string;
  workflowId: string;
  jobId?: string;
  fineTunedModel?: string;
  gates?: GateResult[];
  /** How the model is served (Azure deployment), recorded on the version. */
  serving?: ServingRecord;
  /** Under an approval policy: the signed decisions, the policy's digest and the policy. */
  signed?: SignedRecord & { policy: ApprovalPolicy };
}

export interface AliasMoveResult {
  kind: AliasMoveRequest['kind'];
  alias: string;
  model: { ref: string; replaced: string | null };
  datasets: DatasetMoveResult[];
  /** Dataset versions that lost the alias, with nothing of theirs taking over in their collection. */
  removed?: DatasetRemovalResult[];
  registryLink?: string;
  alreadyThere: boolean;
  /** rollback: the target's deployment, re-created if it was gone (developer tier, clean-up). */
  serving?: ServingRecord;
  /** promote with pruneServing: the deployments removed. */
  pruned?: PrunedServing[];
}

export interface RollbackInput {
  project: string;
  entity?: string;
  collection: string;
  alias: string;
  to?: string;
  by: string;
  reason: string;
  /**
   * Under an approval policy: wait for signed decisions (`finetune rollback --sign`,
   * `--print-payload`); without it such a rollback is refused at once.
   */
  awaitSignedDecisions?: boolean;
  /** How long to wait for the quorum; default the policy's maxValidity. Then nothing moves. */
  decisionTimeoutMs?: number;
}

export interface ResolveInput {
  project: string;
  entity?: string;
  collection: string;
  alias: string;
}

/** What an alias points to now: what a deploy script passes as `model`. */
export interface ResolvedAlias {
  alias: string;
  ref: string;
  version: string | null;
  fineTunedModel: string | null;
  /** What a caller passes as `model`: the model id, or its Azure deployment. */
  servedAs: string | null;
  /** The provider's serving end date for the base model, and a warning within 30 days. */
  servingUntil?: string | null;
  warning?: string;
  /**
   * What serves it, as recorded when it was last served: a deployment or a dedicated endpoint,
   * its hardware and replicas, and (endpoints billed by the minute) its cost per hour.
   */
  serving?: {
    kind: 'deployment' | 'dedicated-endpoint';
    hardware: string;
    replicas: number;
    costPerHourUsd: number | null;
  };
  /** Everything of ours serving and billed now, live (providers billing endpoints by the hour). */
  running?: ServingState[];
  jobId: string | null;
  baseModel: string | null;
  promotedBy: string | null;
  promotedAt: string | null;
  replaced: string | null;
  aliases: string[];
}

export interface LineageInput {
  project: string;
  entity?: string;
  collection: string;
  /** A model version ref (`name:vN`, `entity/project/name:alias`) or a job id. */
  start: string;
}

export interface LineageDataset {
  role: string;
  ref: string;
  digest: string | null;
  examples: number | null;
  fileIds: string[];
  aliases: string[];
}

export interface LineageReport {
  model: {
    ref: string;
    aliases: string[];
    jobId: string | null;
    fineTunedModel: string | null;
    /** What a caller passes as `model` (an Azure deployment), when promotion recorded it. */
    servedAs: string | null;
    baseModel: string | null;
    /** The W&B version's digest (of its files): a signed approval is bound to it. */
    digest?: string;
  };
  /** Set on a migrated model: the model it replaced and the golden set it was gated on. */
  migratedFrom: Record<string, string> | null;
  runPath: string | null;
  datasets: LineageDataset[];
  promotion: {
    approvedBy: string | null;
    at: string | null;
    how: string | null;
    comment: string | null;
    replaced: string | null;
    workflowId: string | null;
  } | null;
  gates: GateResult[];
  log: GovernanceEvent[];
  /** The approval policies the log's signed decisions were verified under, by digest. */
  approvalPolicies?: Record<string, ApprovalPolicy>;
}
