import { createHash, randomBytes } from 'node:crypto';
import { unixSeconds } from './clock.js';
import type { TogetherContext } from './context.js';
import { checkDataset } from './datasetCheck.js';
import { badRequest, notFound } from './errors.js';
import type { FileRecord } from './records.js';

/** Spec `FilePurpose`. */
export const FILE_PURPOSES = [
  'fine-tune',
  'eval',
  'eval-sample',
  'eval-output',
  'eval-summary',
  'batch-generated',
  'batch-api',
];
const FILE_TYPES = ['jsonl', 'csv', 'parquet'] as const;

export function checkUploadFields(fields: Record<string, string | undefined>): {
  purpose: string;
  fileName: string;
  fileType: FileRecord['fileType'];
} {
  const purpose = fields.purpose;
  if (!purpose) throw badRequest('purpose is required', 'purpose');
  if (!FILE_PURPOSES.includes(purpose)) {
    throw badRequest(`purpose must be one of ${FILE_PURPOSES.join(', ')}`, 'purpose');
  }
  const fileName = fields.file_name;
  if (!fileName) throw badRequest('file_name is required', 'file_name');
  const fileType = (fields.file_type ?? 'jsonl') as FileRecord['fileType'];
  if (!FILE_TYPES.includes(fileType)) {
    throw badRequest(`file_type must be one of ${FILE_TYPES.join(', ')}`, 'file_type');
  }
  return { purpose, fileName, fileType };
}

/** A file announced by an upload; its bytes come with the multipart body or the presigned PUT. */
export function newFile(
  ctx: TogetherContext,
  f: {
    id?: string;
    purpose: string;
    fileName: string;
    fileType: FileRecord['fileType'];
    checksum?: string;
  },
): FileRecord {
  const record: FileRecord = {
    id: f.id ?? ctx.ids.file(),
    seq: ctx.nextSeq(),
    filename: f.fileName,
    purpose: f.purpose,
    fileType: f.fileType,
    bytes: null,
    createdAtMs: Date.now(),
    sha256: null,
    checksum: f.checksum ?? null,
    processingStatus: 'PENDING',
    report: null,
    uploadToken: randomBytes(16).toString('hex'),
  };
  ctx.files.set(record.id, record);
  return record;
}

/**
 * The bytes are in: only `fine-tune` JSONL files are validated (the SDK: other purposes skip
 * validation), `PENDING` for `fileValidationMs`, then `COMPLETED` or `INVALID_FORMAT` with the
 * report.
 */
export async function sealFile(
  ctx: TogetherContext,
  file: FileRecord,
  bytes: number,
): Promise<void> {
  file.bytes = bytes;
  file.uploadToken = null;
  file.sha256 = await sha256Of(ctx, file.id);
  ctx.stats.filesCreated++;
  if (file.purpose !== 'fine-tune' || file.fileType !== 'jsonl') {
    file.processingStatus = 'COMPLETED';
    return;
  }
  validateFile(ctx, file);
}

/**
 * Checks a sealed `fine-tune` file's data, `PENDING` for `fileValidationMs` (also for a file a
 * saved state left `PENDING`: the check starts again).
 */
export function validateFile(ctx: TogetherContext, file: FileRecord): void {
  const report = checkDataset(ctx.blobs.read(file.id));
  ctx.clock.after(ctx.durations.fileValidationMs, () => {
    void report.then(
      (r) => {
        if (!ctx.files.has(file.id)) return;
        file.report = r;
        file.processingStatus = r.valid ? 'COMPLETED' : 'INVALID_FORMAT';
      },
      () => {
        file.processingStatus = 'FAILED';
      },
    );
  });
}

async function sha256Of(ctx: TogetherContext, id: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of ctx.blobs.read(id) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** A file whose bytes are in (an announced presigned upload is not a file yet). */
export function findFile(ctx: TogetherContext, id: string): FileRecord | undefined {
  const file = ctx.files.get(id);
  return file && file.bytes !== null ? file : undefined;
}

export function requireFile(ctx: TogetherContext, id: string): FileRecord {
  const file = findFile(ctx, id);
  if (!file) throw notFound(`File ${id} not found`, 'id');
  return file;
}

/** Spec `FileResponse` plus the SDK's `processing_status` and `validation_report`. */
export function fileView(file: FileRecord): Record<string, unknown> {
  const r = file.report;
  return {
    id: file.id,
    object: 'file',
    created_at: unixSeconds(file.createdAtMs),
    filename: file.filename,
    bytes: file.bytes ?? 0,
    purpose: file.purpose,
    FileType: file.fileType,
    Processed: file.bytes !== null,
    processing_status: file.processingStatus,
    ...(r
      ? {
          validation_report: {
            valid: r.valid,
            file_id: file.id,
            nlines: r.nlines,
            ...(r.datasetFormat ? { dataset_format: r.datasetFormat } : {}),
            dataset_has_tools: r.hasTools,
            dataset_has_reasoning: r.hasReasoning,
            dataset_has_message_weights: r.hasMessageWeights,
            dataset_has_sample_weights: r.hasSampleWeights,
            dataset_has_parallel_tool_calls: r.hasParallelToolCalls,
            dataset_is_multimodal: r.isMultimodal,
            ...(r.error !== null ? { error: r.error, error_type: 'INVALID_FORMAT' } : {}),
          },
        }
      : {}),
  };
}
