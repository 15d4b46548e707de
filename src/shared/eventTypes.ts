// The events the worker sends to the operator's endpoints (docs/events.md). Workflow-safe data
// only: ids and refs (workflow, job, model and dataset versions, alias, who, when), never secrets,
// URLs with tokens or dataset contents. Imports no other file of src/shared.

export const EVENT_TYPES = [
  'approval.requested',
  'approval.decided',
  'gate.blocked',
  'promotion.completed',
  'rollback.completed',
  'pipeline.failed',
  // The knowledge base's: types of their own (not `promotion.completed` with a subject), so a
  // receiver that re-opens a model never mistakes an index for one, and routing can tell them apart.
  'kb.approval.requested',
  'kb.approval.decided',
  'kb.gate.blocked',
  'kb.promotion.completed',
  'kb.rollback.completed',
  'kb.pipeline.failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Which pipeline an event is about. */
export interface EventPipelineRef {
  workflowId: string;
  runId: string;
  namespace: string;
  baseModel: string;
  jobId?: string;
  fineTunedModel?: string;
  /** The datasets by content digest, and their W&B versions when they were versioned. */
  datasets: { role: 'training' | 'validation'; digest: string; version?: string }[];
}

export interface EventGate {
  gate: string;
  verdict: string;
  summary: string;
}

/** How a person decides: the commands (NAME is theirs to fill in) and the signals. */
export interface HowToDecide {
  approve: string;
  reject: string;
  signals: { approve: 'approvePromotion'; reject: 'rejectPromotion'; input: string };
}

export interface EventDecision {
  decision: 'approve' | 'reject';
  by: string;
  how: string;
  at: string;
  comment?: string;
}

export interface ApprovalRequestedData extends EventPipelineRef {
  alias: string;
  gates: EventGate[];
  decide: HowToDecide;
}
export interface ApprovalDecidedData extends EventPipelineRef {
  alias: string;
  decision: EventDecision;
}
export interface GateBlockedData extends EventPipelineRef {
  alias: string;
  blockedBy: string[];
  gates: EventGate[];
}
export interface PromotionCompletedData extends EventPipelineRef {
  alias: string;
  /** False when the decision is recorded but no alias moved (W&B off): `note` says why. */
  promoted: boolean;
  approvedBy: string;
  modelVersion?: string;
  replaced?: string | null;
  datasetVersions: { role: string; ref: string }[];
  /** What a caller passes as `model` now (Azure: the deployment). */
  servedAs?: string;
  registryLink?: string;
  note?: string;
}
export interface RollbackCompletedData {
  workflowId: string;
  runId: string;
  namespace: string;
  collection: string;
  alias: string;
  modelVersion: string;
  replaced: string | null;
  datasetVersions: { role: string; ref: string }[];
  servedAs?: string;
  by: string;
  reason: string;
}
export interface PipelineFailedData extends EventPipelineRef {
  /** The stage the pipeline was in when it failed. */
  stage: string;
  error: string;
  errorType?: string;
}

/** Which knowledge-base ingest an event is about, as far as it got. */
export interface EventKbRef {
  workflowId: string;
  runId: string;
  namespace: string;
  kb: string;
  /** `lancedb` (a folder) or `postgres` (a URI without its password). */
  store?: { kind: 'lancedb' | 'postgres'; location: string };
  /** The store's version id of the sealed candidate. */
  indexVersion?: string;
  /** W&B versions (`entity/project/<kb>-index:vN`, `-documents`, `-chunks`) made so far. */
  wandb?: { index?: string; documents?: string; chunks?: string };
  /** The corpus by content digest (documents; chunk ids). */
  corpus?: { documentsDigest: string; chunkSetDigest: string };
}

export interface KbApprovalRequestedData extends EventKbRef {
  alias: 'production';
  gates: EventGate[];
  /** `finetune kb approve|reject …` and the signals. */
  decide: HowToDecide;
}
export interface KbApprovalDecidedData extends EventKbRef {
  alias: 'production';
  decision: EventDecision;
}
export interface KbGateBlockedData extends EventKbRef {
  alias: 'production';
  blockedBy: string[];
  gates: EventGate[];
}
/** Where production of a knowledge base is now: what a RAG service re-opens. */
export interface EventIndexPointer {
  store: 'lancedb' | 'postgres';
  location: string;
  /** The store's version id production holds now, and held before (null: none). */
  version: string;
  replaced: string | null;
  /** False when production already held it (a retried move). */
  moved: boolean;
}
export interface KbPromotionCompletedData extends EventKbRef {
  alias: 'production';
  approvedBy: string;
  index: EventIndexPointer;
  /** The W&B index version that now has the alias, and the one it replaced. */
  indexVersionRef?: string;
  replacedRef?: string | null;
  datasetVersions: { role: string; ref: string }[];
  /** Why W&B was not moved (production moved in the store only), if so. */
  note?: string;
}
export interface KbRollbackCompletedData {
  workflowId: string;
  runId: string;
  namespace: string;
  kb: string;
  alias: 'production';
  index: EventIndexPointer;
  indexVersionRef?: string;
  replacedRef?: string | null;
  by: string;
  reason: string;
}
export interface KbPipelineFailedData extends EventKbRef {
  stage: string;
  error: string;
  errorType?: string;
}

export interface EventDataByType {
  'approval.requested': ApprovalRequestedData;
  'approval.decided': ApprovalDecidedData;
  'gate.blocked': GateBlockedData;
  'promotion.completed': PromotionCompletedData;
  'rollback.completed': RollbackCompletedData;
  'pipeline.failed': PipelineFailedData;
  'kb.approval.requested': KbApprovalRequestedData;
  'kb.approval.decided': KbApprovalDecidedData;
  'kb.gate.blocked': KbGateBlockedData;
  'kb.promotion.completed': KbPromotionCompletedData;
  'kb.rollback.completed': KbRollbackCompletedData;
  'kb.pipeline.failed': KbPipelineFailedData;
}

/**
 * One event, as the Standard Webhooks payload (`type`, `timestamp`, `data`); `id` travels as the
 * `webhook-id` header and is the same on every delivery of this occurrence.
 */
export type OutgoingEvent = {
  [K in EventType]: { id: string; type: K; timestamp: string; data: EventDataByType[K] };
}[EventType];

/** Links added at delivery from the worker's settings (the Web UI's address). */
export interface EventLinks {
  ui?: string;
}

/** What the pipeline records of each event it emitted (progress.events). */
export interface EmittedEvent {
  id: string;
  type: EventType;
  at: string;
  /** The endpoints it was routed to (names only); empty when none wants it. */
  endpoints: string[];
  /** The operator settings' digest when routed, so a change of settings is visible. */
  configDigest?: string;
  /** Why it was not handed to delivery (settings unreadable), if so. */
  error?: string;
}

/** One endpoint's delivery of one event (the deliverEvent workflow's state and result). */
export interface EndpointDelivery {
  endpoint: string;
  state: 'delivering' | 'delivered' | 'dead';
  at?: string;
  /** Why it was given up (the last answer or error; no URL, no secret). */
  error?: string;
}

export interface EventDeliveryResult {
  eventId: string;
  type: EventType;
  deliveries: EndpointDelivery[];
}

/** What routing answers: the endpoints that want this type, and how long each keeps trying. */
export interface EventRoute {
  endpoints: { name: string; giveUpAfterMs: number }[];
  configDigest: string;
}

/** Input of the deliverEvent workflow. */
export interface DeliverEventInput {
  event: OutgoingEvent;
  endpoints: EventRoute['endpoints'];
}
