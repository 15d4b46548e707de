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

export interface EventDataByType {
  'approval.requested': ApprovalRequestedData;
  'approval.decided': ApprovalDecidedData;
  'gate.blocked': GateBlockedData;
  'promotion.completed': PromotionCompletedData;
  'rollback.completed': RollbackCompletedData;
  'pipeline.failed': PipelineFailedData;
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
