// How long the pipeline lets W&B hold it. Pure numbers and arithmetic, so they are unit-tested and
// workflow-safe. Past a budget the work is owed to the W&B sync child, which catches up with a
// day's budget once W&B answers again: a W&B outage never holds the fine-tune.

/** Finding the W&B entity: one small call when W&B is up, so a short wait says it is down. */
export const FIND_ENTITY_BUDGET_MS = 30_000;

/** Recording the provider's file id on a dataset version: two small calls. */
export const RECORD_FILE_BUDGET_MS = 60_000;

/** Opening the run once the job exists: the wait must not start late because of W&B. */
export const OPEN_RUN_BUDGET_MS = 30_000;

/**
 * A pipeline with nothing after the job (promotion off, or a failed job) waits this long for its
 * W&B sync, so a healthy W&B's run is in the result; past it, the pipeline ends and the sync goes
 * on in its own workflow.
 */
export const SYNC_GRACE_MS = 2 * 60_000;

const VERSIONING_BASE_MS = 2 * 60_000;
/** A modest upload rate: a large dataset gets time to reach a healthy W&B. */
const VERSIONING_BYTES_PER_MS = 2_000; // 2 MB/s

/** Versioning a dataset (hash, Table, profile, upload) before upload: two minutes and upload time. */
export function versioningBudgetMs(bytes: number): number {
  const size = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  return VERSIONING_BASE_MS + Math.ceil(size / VERSIONING_BYTES_PER_MS);
}

/** A retry after a live-metrics call that failed for now (W&B down): the next poll past this. */
export const LIVE_METRICS_RETRY_MS = 60_000;
