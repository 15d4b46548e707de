// The dataset module: streamed validation of fine-tuning JSONL files and W&B Table rows.
export { validateDatasetFile } from './validate.js';
export { datasetKind, describeDatasetProblems, issueText } from './describe.js';
export { readHead, sniffEncoding, sniffedMessage, type SniffedKind } from './encoding.js';
export type {
  CostEstimate,
  DatasetFormat,
  DatasetIssue,
  DatasetReport,
  DatasetStats,
  Distribution,
  PiiReport,
  TokenReport,
  ValidateDatasetOptions,
} from './types.js';
export {
  datasetTableRows,
  legacyTableRows,
  LEGACY_TABLE_COLUMNS,
  LegacyTableError,
  tableColumns,
  type TableCell,
  type TableRow,
  type TableRowsOptions,
  type TableRowsSummary,
} from './tableRows.js';
export type { LegacyTable } from './legacyTable.js';
export { defaultEpochs, estimateCost } from './cost.js';
export { modelFacts, type ModelFacts } from './models.js';
export { datasetArtifactMetadata, type ArtifactMetadata } from './artifactMetadata.js';
