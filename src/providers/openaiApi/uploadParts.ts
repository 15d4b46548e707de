import { open } from 'node:fs/promises';
import OpenAI, { toFile } from 'openai';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import type { UploadContext } from '../types.js';
import type { Calling } from './errors.js';

/** Heartbeat details: enough to resume after a worker crash, nothing more. */
export interface PartsCheckpoint {
  uploadId: string;
  createdAtMs: number;
  partIds: string[];
}

// Uploads expire an hour after creation; leave a margin before trusting an old one.
const UPLOAD_REUSE_WINDOW_MS = 50 * 60 * 1000;

function resumable(details: unknown, nowMs: number): PartsCheckpoint | undefined {
  const d = details as Partial<PartsCheckpoint> | undefined;
  if (!d?.uploadId || !Array.isArray(d.partIds) || typeof d.createdAtMs !== 'number')
    return undefined;
  return nowMs - d.createdAtMs < UPLOAD_REUSE_WINDOW_MS ? (d as PartsCheckpoint) : undefined;
}

async function readPart(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Sends a large file through the Uploads API part by part, heartbeating after each part so a
 * retried attempt continues where the crashed one stopped. Parts are buffered (≤ 64 MB) so the SDK
 * may retry them; a streamed body would not be retryable.
 */
export async function uploadInParts(
  client: OpenAI,
  calling: Calling,
  args: { path: string; filename: string; bytes: number; partSize: number },
  ctx: UploadContext,
): Promise<OpenAI.Files.FileObject> {
  let cp: PartsCheckpoint | undefined = resumable(ctx.resumeFrom, Date.now());
  if (cp) ctx.log('resuming upload', { uploadId: cp.uploadId, partsDone: cp.partIds.length });
  if (!cp) {
    const upload = await calling('Starting a multipart upload', () =>
      client.uploads.create({
        bytes: args.bytes,
        filename: args.filename,
        mime_type: 'text/jsonl',
        purpose: 'fine-tune',
      }),
    );
    cp = { uploadId: upload.id, createdAtMs: Date.now(), partIds: [] };
    ctx.checkpoint(cp);
  }
  const totalParts = Math.max(1, Math.ceil(args.bytes / args.partSize));
  for (let i = cp.partIds.length; i < totalParts; i++) {
    const uploadId: string = cp.uploadId;
    const offset = i * args.partSize;
    const data = await readPart(args.path, offset, Math.min(args.partSize, args.bytes - offset));
    const part: OpenAI.Uploads.UploadPart = await calling(
      `Uploading part ${i + 1}/${totalParts}`,
      async () =>
        client.uploads.parts.create(
          uploadId,
          { data: await toFile(data, `part-${i}`) },
          { signal: ctx.signal },
        ),
    );
    cp = { ...cp, partIds: [...cp.partIds, part.id] };
    ctx.checkpoint(cp);
  }
  const { uploadId, partIds } = cp;
  const done = await calling('Completing the multipart upload', () =>
    client.uploads.complete(uploadId, { part_ids: partIds }),
  );
  if (!done.file) {
    throw ApplicationFailure.retryable(
      `upload ${uploadId} completed without a file; retrying`,
      ErrorType.ProviderStreamInterrupted,
    );
  }
  return done.file;
}
