// The library surface for scripts: start, watch, cancel pipelines; build a worker.
export {
  cancelPipeline,
  getPipelineStatus,
  PipelineNotFoundError,
  rootMessage,
  startFineTunePipeline,
  type CancelOutcome,
  type PipelineStatus,
  type StartedPipeline,
  type StartOptions,
} from './client/pipeline.js';
export { createFineTuneWorker, type FineTuneWorkerOptions } from './worker.js';
export { connectClient } from './temporal/connection.js';
export { ErrorType } from './shared/errorTypes.js';
export * from './shared/types.js';
export { startSync, renderSyncReport, type StartedSync } from './client/sync.js';
export * from './shared/syncTypes.js';
export {
  NoWorkerError,
  describePollers,
  requireWorker,
  type QueuePollers,
} from './client/pollers.js';
// Local dataset checks, the same the worker runs before anything is uploaded.
export {
  describeDatasetProblems,
  validateDatasetFile,
  type CostEstimate,
  type DatasetFormat,
  type DatasetIssue,
  type DatasetReport,
  type DatasetStats,
  type Distribution,
  type PiiReport,
  type TokenReport,
  type ValidateDatasetOptions,
} from './dataset/index.js';
// Governed promotion: decide (signed or not), and verify a model version's signed lineage.
export { decidePromotion, DecisionRefusedError } from './client/promotion.js';
export {
  approvalRequest,
  decideSigned,
  decisionPayload,
  keyFingerprint,
  payloadFor,
  signDecision,
  signedFromFiles,
  signWithKeyFile,
  SigningError,
  type PayloadOptions,
} from './client/signedDecision.js';
export { traceFrom, type LineageAnswer } from './client/lineage.js';
export {
  LineageVerifyError,
  readCurrentPolicy,
  readSavedLineage,
  verifyAnswer,
  verifyModelLineage,
  type VerifiedLineage,
} from './client/verifyLineage.js';
export {
  APPROVAL_NAMESPACE,
  payloadText,
  verifyLineage,
  type LineageVerification,
  type VerifiedDecision,
  type VerifiedEntry,
} from './approvals/index.js';
export type * from './shared/approvalTypes.js';
export type { DecisionKind, DecisionReply, DecisionRequest } from './shared/promotionTypes.js';
export type { GovernanceEvent, LineageReport } from './shared/governanceTypes.js';
// Signed outgoing events (docs/events.md): settings, a receiver, `finetune events tail`.
export * from './shared/eventTypes.js';
export {
  EventsConfigError,
  parseEventsConfig,
  readEventsConfig,
  type EventEndpoint,
  type EventsConfig,
} from './events/config.js';
export {
  startEventReceiver,
  type EventReceiverOptions,
  type ReceivedEvent,
  type RunningEventReceiver,
} from './events/receiver.js';
export { describeReceivedEvent } from './events/describe.js';
export {
  newSigningSecret,
  tailEvents,
  type TailEventsOptions,
  type TailingEvents,
} from './events/tail.js';
export { readEventDeliveries, type EventStatus } from './client/events.js';
