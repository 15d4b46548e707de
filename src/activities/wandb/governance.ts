import type { GovernanceEvent, MoveRecord } from '../../shared/governanceTypes.js';
import type { GateResult } from '../../shared/promotionTypes.js';
import type { ServingRecord } from '../../shared/providerTypes.js';
import type { ApprovalPolicy } from '../../shared/approvalTypes.js';

// How promotion facts live in a version's metadata. Pure merges, so a retried write produces the
// same metadata and appends nothing twice.

/** The audit log keeps the newest entries; W&B metadata is for facts, not unbounded history. */
export const MAX_LOG_ENTRIES = 50;

export const LOG_KEY = 'governanceLog';
export const PROMOTION_KEY = 'promotion';
export const GATES_KEY = 'gates';

export function governanceLog(metadata: Record<string, unknown>): GovernanceEvent[] {
  const log = metadata[LOG_KEY];
  return Array.isArray(log) ? (log as GovernanceEvent[]) : [];
}

/** Appends `event` unless an entry with its id is there already. */
export function withLogEntry(
  metadata: Record<string, unknown>,
  event: GovernanceEvent,
): Record<string, unknown> {
  const log = governanceLog(metadata);
  if (log.some((e) => e.id === event.id)) return metadata;
  return { ...metadata, [LOG_KEY]: [...log, event].slice(-MAX_LOG_ENTRIES) };
}

export interface PromotionFacts {
  replaced: string | null;
  approvedBy: string;
  approvedAt: string;
  how: string | undefined;
  comment: string | undefined;
  workflowId: string;
  jobId?: string;
  fineTunedModel?: string;
  datasets?: { role: string; ref: string }[];
  serving?: ServingRecord;
}

/** The facts of this version's (latest) promotion, the first thing an auditor reads. */
export function withPromotion(
  metadata: Record<string, unknown>,
  facts: PromotionFacts,
  gates: GateResult[] | undefined,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...metadata, [PROMOTION_KEY]: dropUndefined(facts) };
  if (gates) next[GATES_KEY] = gates;
  return next;
}

/** The version's promotion facts with `serving` replaced (a rollback re-created its deployment). */
export function withServing(
  metadata: Record<string, unknown>,
  serving: ServingRecord,
): Record<string, unknown> {
  const facts = promotionOf(metadata);
  if (!facts) return metadata;
  return { ...metadata, [PROMOTION_KEY]: { ...facts, serving } };
}

export function promotionOf(metadata: Record<string, unknown>): PromotionFacts | null {
  const p = metadata[PROMOTION_KEY];
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as PromotionFacts) : null;
}

/** Set on a model version when it becomes the candidate, before any promotion. */
export const TRAINED_ON_KEY = 'trainedOn';

/**
 * The dataset versions a model version was trained on: as recorded at its (latest) promotion,
 * else as recorded when it became the candidate. Empty when neither was recorded.
 */
export function trainedOnOf(metadata: Record<string, unknown>): { role: string; ref: string }[] {
  const promoted = promotionOf(metadata)?.datasets;
  if (Array.isArray(promoted)) return promoted;
  const candidate = metadata[TRAINED_ON_KEY];
  return Array.isArray(candidate) ? (candidate as { role: string; ref: string }[]) : [];
}

/** The approval policies a version's signed decisions were verified under, by digest. */
export const POLICIES_KEY = 'approvalPolicies';

export function approvalPoliciesOf(
  metadata: Record<string, unknown>,
): Record<string, ApprovalPolicy> {
  const p = metadata[POLICIES_KEY];
  return p && typeof p === 'object' && !Array.isArray(p)
    ? (p as Record<string, ApprovalPolicy>)
    : {};
}

export function withApprovalPolicy(
  metadata: Record<string, unknown>,
  digest: string,
  policy: ApprovalPolicy,
): Record<string, unknown> {
  return { ...metadata, [POLICIES_KEY]: { ...approvalPoliciesOf(metadata), [digest]: policy } };
}

export function gatesOf(metadata: Record<string, unknown>): GateResult[] {
  const g = metadata[GATES_KEY];
  return Array.isArray(g) ? (g as GateResult[]) : [];
}

export function eventFrom(
  record: MoveRecord,
  kind: GovernanceEvent['kind'],
  alias: string,
  extra: Partial<GovernanceEvent> = {},
): GovernanceEvent {
  return dropUndefined({
    id: `${record.id}:${kind}`,
    kind,
    alias,
    at: record.at,
    by: record.by,
    how: record.how,
    comment: record.comment,
    reason: record.reason,
    workflowId: record.workflowId,
    ...extra,
  });
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
