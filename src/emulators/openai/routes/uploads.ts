import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { nowSeconds } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import { invalidRequest, missingParameter, notFound } from '../errors.js';
import { addFile, findFile } from '../fileRecords.js';
import { receiveForm } from '../multipartForm.js';
import type { UploadRecord } from '../records.js';
import { partView, uploadView } from '../views.js';
import { checkFineTuneFilename, checkPurpose } from './files.js';

const MB = 1024 * 1024;
const MAX_PART_BYTES = 64 * MB;
const MAX_UPLOAD_BYTES = 8 * 1024 * MB;
const UPLOAD_LIFETIME_SECONDS = 3600;
const JSONL_MIME_TYPES = new Set([
  'text/jsonl',
  'application/jsonl',
  'application/x-ndjson',
  'application/json',
]);

type UploadParams = { Params: { upload_id: string } };

const createBody = z.object({
  bytes: z.number().int().min(0).max(MAX_UPLOAD_BYTES),
  filename: z.string().min(1),
  mime_type: z.string().min(1),
  purpose: z.string().min(1),
  expires_after: z
    .object({ anchor: z.literal('created_at'), seconds: z.number().int().min(3600).max(2_592_000) })
    .optional(),
});
const completeBody = z.object({ part_ids: z.array(z.string()), md5: z.string().optional() });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.join('.');
  const present =
    typeof body === 'object' &&
    body !== null &&
    issue.path[0] !== undefined &&
    String(issue.path[0]) in body;
  if (!present) throw missingParameter(param);
  throw invalidRequest(`Invalid value for '${param}': ${issue.message}.`, param, 'invalid_value');
}

/** The upload, after applying its one-hour expiry (an expired upload forgets its parts). */
async function requireUpload(ctx: EmulatorContext, id: string): Promise<UploadRecord> {
  const upload = ctx.uploads.get(id);
  if (!upload) throw notFound(`No such Upload object: ${id}`, 'upload_id');
  if (upload.status === 'pending' && nowSeconds() >= upload.expiresAt) {
    upload.status = 'expired';
    await dropParts(ctx, upload);
  }
  return upload;
}

function requirePending(upload: UploadRecord, action: string): void {
  if (upload.status !== 'pending') {
    throw invalidRequest(
      `Cannot ${action} upload ${upload.id}: its status is ${upload.status}, and only a pending upload accepts this.`,
    );
  }
}

async function dropParts(ctx: EmulatorContext, upload: UploadRecord): Promise<void> {
  await Promise.all([...upload.parts.keys()].map((key) => ctx.blobs.remove(key)));
}

export function registerUploadRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { prefix: p, files } = ctx.flavor;
  const view = (u: UploadRecord) => {
    const file = u.fileId ? findFile(ctx, u.fileId) : undefined;
    return uploadView(u, file ? files.view(file) : null);
  };

  app.post(`${p}/uploads`, (req) => {
    const body = parse(createBody, req.body);
    const purpose = checkPurpose(files.purposes, body.purpose);
    checkFineTuneFilename(purpose, body.filename, 'filename');
    if (purpose === 'fine-tune' && !JSONL_MIME_TYPES.has(body.mime_type)) {
      throw invalidRequest(
        `Invalid MIME type '${body.mime_type}' for purpose 'fine-tune'. Use text/jsonl.`,
        'mime_type',
      );
    }
    const createdAt = nowSeconds();
    const upload: UploadRecord = {
      id: ctx.ids.upload(),
      seq: ctx.nextSeq(),
      bytes: body.bytes,
      createdAt,
      expiresAt: createdAt + UPLOAD_LIFETIME_SECONDS,
      filename: body.filename,
      purpose,
      mimeType: body.mime_type,
      status: 'pending',
      fileId: null,
      fileExpiresAfterSeconds: body.expires_after?.seconds ?? null,
      parts: new Map(),
    };
    ctx.uploads.set(upload.id, upload);
    ctx.stats.uploadsCreated++;
    return view(upload);
  });

  app.post<UploadParams>(`${p}/uploads/:upload_id/parts`, async (req) => {
    const upload = await requireUpload(ctx, req.params.upload_id);
    requirePending(upload, 'add a part to');
    const id = ctx.ids.part();
    const form = await receiveForm(req, ctx.blobs, {
      fileField: 'data',
      blobKey: id,
      maxBytes: MAX_PART_BYTES,
    });
    if (!form.file) throw missingParameter('data');
    if (upload.status !== 'pending') {
      await ctx.blobs.remove(id); // cancelled while the part was arriving
      requirePending(upload, 'add a part to');
    }
    const part = { id, createdAt: nowSeconds(), uploadId: upload.id, bytes: form.file.bytes };
    upload.parts.set(id, part);
    return partView(part);
  });

  app.post<UploadParams>(`${p}/uploads/:upload_id/complete`, async (req) => {
    const upload = await requireUpload(ctx, req.params.upload_id);
    requirePending(upload, 'complete');
    const body = parse(completeBody, req.body);
    const unknown = body.part_ids.find((p) => !upload.parts.has(p));
    if (unknown)
      throw invalidRequest(`Part ${unknown} does not belong to upload ${upload.id}.`, 'part_ids');
    if (new Set(body.part_ids).size !== body.part_ids.length) {
      throw invalidRequest('part_ids lists a part more than once.', 'part_ids');
    }
    const total = body.part_ids.reduce((sum, p) => sum + upload.parts.get(p)!.bytes, 0);
    if (total !== upload.bytes) {
      throw invalidRequest(
        `The parts add up to ${total} bytes, but the upload was created for ${upload.bytes} bytes.`,
        'part_ids',
      );
    }
    const fileId = ctx.ids.file();
    const { md5 } = await ctx.blobs.concat(fileId, body.part_ids);
    if (body.md5 && body.md5.toLowerCase() !== md5) {
      await ctx.blobs.remove(fileId);
      throw invalidRequest(
        `The MD5 of the assembled file (${md5}) does not match the md5 given (${body.md5}).`,
        'md5',
      );
    }
    await dropParts(ctx, upload);
    upload.status = 'completed';
    upload.fileId = fileId;
    ctx.stats.filesCreated++;
    const now = nowSeconds();
    const expiresAt =
      upload.fileExpiresAfterSeconds === null ? null : now + upload.fileExpiresAfterSeconds;
    addFile(ctx, {
      id: fileId,
      filename: upload.filename,
      purpose: upload.purpose,
      bytes: total,
      expiresAt,
    });
    return view(upload);
  });

  app.post<UploadParams>(`${p}/uploads/:upload_id/cancel`, async (req) => {
    const upload = await requireUpload(ctx, req.params.upload_id);
    requirePending(upload, 'cancel');
    upload.status = 'cancelled';
    await dropParts(ctx, upload);
    return view(upload);
  });
}
