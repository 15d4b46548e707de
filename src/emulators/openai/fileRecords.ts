import { nowSeconds } from './clock.js';
import type { EmulatorContext } from './context.js';
import { notFound } from './errors.js';
import type { FileRecord } from './records.js';

/**
 * Registers a file whose bytes are already in the blob store under `id`. Client uploads start as
 * `uploaded` (Azure: `pending`) and turn `processed` shortly after, so callers that wait for processing have
 * something to wait for; files the service writes itself (results) are processed at once.
 */
export function addFile(
  ctx: EmulatorContext,
  file: { id: string; filename: string; purpose: string; bytes: number; expiresAt?: number | null },
  processedAtOnce = false,
): FileRecord {
  const record: FileRecord = {
    id: file.id,
    seq: ctx.nextSeq(),
    bytes: file.bytes,
    createdAt: nowSeconds(),
    expiresAt: file.expiresAt ?? null,
    filename: file.filename,
    purpose: file.purpose,
    status: processedAtOnce ? 'processed' : ctx.flavor.files.initialStatus,
    statusDetails: null,
  };
  ctx.files.set(record.id, record);
  if (!processedAtOnce) {
    ctx.timers.after(ctx.durations.fileProcessingMs, () => {
      if (record.status === ctx.flavor.files.initialStatus) record.status = 'processed';
    });
  }
  return record;
}

/** The file, unless it is unknown, deleted or past its expiry. */
export function findFile(ctx: EmulatorContext, id: string): FileRecord | undefined {
  const file = ctx.files.get(id);
  if (file && file.expiresAt !== null && file.expiresAt <= nowSeconds()) return undefined;
  return file;
}

export function requireFile(ctx: EmulatorContext, id: string): FileRecord {
  const file = findFile(ctx, id);
  if (!file) throw notFound(`No such File object: ${id}`, 'id');
  return file;
}
