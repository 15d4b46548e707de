import type { DatasetReport, Distribution } from './types.js';

/** Flat JSON values only: W&B artifact metadata is shown as a key/value table. */
export type ArtifactMetadata = Record<string, string | number | boolean | Record<string, number>>;

/**
 * What a W&B dataset artifact version should record about its file. `items` keeps the Python
 * logger's name for the record count; everything else is new. Real JSON values throughout (the
 * Python logger wrote `str()` of nested objects).
 */
export function datasetArtifactMetadata(report: DatasetReport): ArtifactMetadata {
  const { stats, tokens } = report;
  const metadata: ArtifactMetadata = {
    items: report.rows,
    format: report.format,
    examples: report.examples,
    sha256: report.digest,
    bytes: report.bytes,
    messages_by_role: stats.messagesByRole,
    messages_per_example: distribution(stats.messagesPerExample),
    examples_without_system: stats.withoutSystem,
    examples_without_user: stats.withoutUser,
    examples_with_tools: stats.withTools,
    examples_with_images: stats.withImages,
    token_encoding: tokens.encoding,
    tokens_total: tokens.total,
    tokens_billable: tokens.billableTotal,
    tokens_per_example: distribution(tokens.perExample),
    assistant_tokens_per_example: distribution(tokens.assistantPerExample),
    context_limit: tokens.contextLimit,
    examples_over_context_limit: tokens.overLimit,
    model: report.model,
    method: report.method,
  };
  if (report.cost) {
    metadata.estimated_epochs = report.cost.epochs;
    metadata.estimated_trained_tokens = report.cost.estimatedTrainedTokens;
    if (report.cost.estimatedUsd !== undefined) metadata.estimated_usd = report.cost.estimatedUsd;
  }
  return metadata;
}

function distribution(d: Distribution): Record<string, number> {
  return { min: d.min, max: d.max, mean: d.mean, p50: d.p50, p90: d.p90 };
}
