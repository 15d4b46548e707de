// The library surface for scripts: start, watch, cancel pipelines; build a worker.
export {
  cancelPipeline,
  getPipelineStatus,
  rootMessage,
  startFineTunePipeline,
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
