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
// The knowledge base (RAG): ingest, status, decide, rollback, resolve, query, lineage.
export {
  decideKnowledgeBase,
  getKnowledgeBaseStatus,
  knowledgeBaseLineage,
  KnowledgeBaseInputError,
  queryKnowledgeBase,
  resolveKnowledgeBase,
  rollBackKnowledgeBase,
  startKnowledgeBaseIngest,
  type KbRunOptions,
  type KnowledgeBaseStatus,
  type StartedKnowledgeBase,
} from './client/knowledgeBase.js';
export {
  kbIngestListQuery,
  listKnowledgeBaseIngests,
  type KbIngestListing,
  type ListKbIngestsOptions,
} from './client/kbList.js';
export {
  openProductionIndex,
  PRODUCTION_POLL_MS,
  type OpenProductionIndexOptions,
  type ProductionIndex,
  type ProductionIndexChange,
} from './vectorStores/productionIndex.js';
export type * from './shared/knowledgeBaseTypes.js';
export { KB_DEFAULTS } from './shared/knowledgeBaseTypes.js';
// Signed decisions, and verifying a model version's signed lineage.
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
export {
  decideSignedRollback,
  rollbackPayload,
  rollbackRequest,
  signedRollback,
  startSignedRollback,
  type SignedRollbackOptions,
  type SignedRollbackOutcome,
} from './client/signedRollback.js';
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

// Everything else the CLI does, one function per command (docs/library.md has the table and
// examples; test/unit/library.test.ts fails when a command has none).
export { waitForPreflight, type PreflightOutcome, type PreflightStep } from './client/preflight.js';
export { readRunningServing } from './client/runningServing.js';
export {
  priceComesAfterUpload,
  waitForCostEstimate,
  type CostOutcome,
} from './client/costEstimate.js';
export {
  describeEstimatedCost,
  estimatedCostOf,
  type EstimatedCost,
} from './shared/estimatedCost.js';
export {
  decidePromotion,
  DecisionRefusedError,
  resolve as resolveAlias,
  rollback,
} from './client/promotion.js';
export {
  traceFrom,
  traceFrom as traceLineage,
  type LineageAnswer,
  type PipelineFacts,
} from './client/lineage.js';
export {
  listPipelines,
  pipelineListQuery,
  PIPELINE_STAGES,
  type ListedStage,
  type ListPipelinesOptions,
  type PipelineListFilter,
  type PipelineListing,
} from './client/list.js';
export { startMigration, type StartedMigration } from './client/migration.js';
export {
  DEFAULT_SYNC_SCHEDULE_ID,
  deleteSyncSchedule,
  parseEvery,
  upsertSyncSchedule,
  type SyncScheduleOptions,
  type UpsertedSchedule,
} from './client/schedule.js';
export { WorkerRequestError } from './client/reads.js';
export {
  startWebhookReceiver,
  type RunningWebhookReceiver,
  type WebhookReceiverOptions,
} from './webhooks/receiver.js';
export * from './shared/promotionTypes.js';
export * from './shared/governanceTypes.js';
export * from './shared/migrationTypes.js';
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
