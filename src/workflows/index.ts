// Workflow entry point for the bundler: every workflow type the worker serves.
export { fineTunePipeline } from './fineTunePipeline.js';
export { awaitFineTuneJob } from './awaitFineTuneJob.js';
export { syncFineTune } from './syncFineTune.js';
export { syncFineTunes } from './syncFineTunes.js';
export { moveModelAlias } from './moveModelAlias.js';
export { rollbackPromotion } from './rollbackPromotion.js';
export { resolveModelAlias, traceModelLineage } from './governanceReads.js';
export { migrateModel } from './migrateModel.js';
export { deliverEvent } from './deliverEvent.js';
export { knowledgeBasePipeline } from './knowledgeBasePipeline.js';
export { moveKbProduction } from './kb/moveProduction.js';
export { rollbackKnowledgeBase } from './kb/rollback.js';
