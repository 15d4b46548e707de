export * from './types.js';
export { openAICompatibleEmbeddings, decodeBase64Vector } from './openaiCompatible.js';
export { embeddingsFromProvider } from './fromProvider.js';
export { embeddingModelFacts, embeddingCostUsd, type EmbeddingModelFacts } from './models.js';
export { batchLimits, planBatches, tokenBound, type BatchLimits } from './batches.js';
