import type { FastifyInstance } from 'fastify';
import { nowSeconds } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import { invalidRequest, missingParameter } from '../errors.js';
import { addFile, findFile, requireFile } from '../fileRecords.js';
import { receiveForm } from '../multipartForm.js';
import { cursorPage, parseLimit, queryString } from '../pagination.js';
import type { FileRecord } from '../records.js';

const MAX_FILE_BYTES = 512 * 1024 * 1024;
const BATCH_DEFAULT_EXPIRY_SECONDS = 30 * 24 * 3600;
/** Observed: the service refuses to hand these back. */
const NOT_DOWNLOADABLE = new Set(['assistants', 'user_data']);

type FileParams = { Params: { file_id: string } };

/** The purpose, if it is one the flavour accepts for uploads. */
export function checkPurpose(
  purposes: readonly string[],
  purpose: string | undefined,
  param = 'purpose',
): string {
  if (!purpose) throw missingParameter(param);
  if (!purposes.includes(purpose)) {
    throw invalidRequest(
      `'${purpose}' is not one of [${purposes.map((p) => `'${p}'`).join(', ')}] - '${param}'`,
      param,
      'invalid_value',
    );
  }
  return purpose;
}

export function checkFineTuneFilename(purpose: string, filename: string, param: string): void {
  if (purpose === 'fine-tune' && !filename.toLowerCase().endsWith('.jsonl')) {
    throw invalidRequest('Invalid file format for Fine-Tuning API. Must be .jsonl', param);
  }
}

/** `expires_after[anchor]=created_at` and `expires_after[seconds]` (one hour to 30 days). */
function expiry(fields: Record<string, string>, purpose: string, createdAt: number): number | null {
  const anchor = fields['expires_after[anchor]'];
  const seconds = fields['expires_after[seconds]'];
  if (anchor === undefined && seconds === undefined) {
    return purpose === 'batch' ? createdAt + BATCH_DEFAULT_EXPIRY_SECONDS : null;
  }
  if (anchor !== 'created_at') {
    throw invalidRequest(
      `Invalid value for 'expires_after.anchor': expected 'created_at'.`,
      'expires_after.anchor',
    );
  }
  const n = Number(seconds);
  if (!Number.isInteger(n) || n < 3600 || n > 2_592_000) {
    throw invalidRequest(
      `Invalid value for 'expires_after.seconds': expected an integer from 3600 to 2592000.`,
      'expires_after.seconds',
    );
  }
  return createdAt + n;
}

export function registerFileRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { prefix: p, files: flavor } = ctx.flavor;
  const fileView = (f: FileRecord) => flavor.view(f);

  app.post(`${p}/files`, async (req) => {
    const id = ctx.ids.file();
    const form = await receiveForm(req, ctx.blobs, {
      fileField: 'file',
      blobKey: id,
      maxBytes: MAX_FILE_BYTES,
    });
    try {
      if (!form.file) throw missingParameter('file');
      const purpose = checkPurpose(flavor.purposes, form.fields.purpose);
      checkFineTuneFilename(purpose, form.file.filename, 'file');
      const expiresAt = expiry(form.fields, purpose, nowSeconds());
      ctx.stats.filesCreated++;
      return fileView(
        addFile(ctx, {
          id,
          filename: form.file.filename,
          purpose,
          bytes: form.file.bytes,
          expiresAt,
        }),
      );
    } catch (err) {
      await ctx.blobs.remove(id);
      throw err;
    }
  });

  app.get<{ Querystring: Record<string, unknown> }>(`${p}/files`, (req) => {
    const purpose = queryString(req.query.purpose, 'purpose');
    const order = queryString(req.query.order, 'order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') {
      throw invalidRequest(`Invalid value for 'order': expected 'asc' or 'desc'.`, 'order');
    }
    const files = [...ctx.files.values()]
      .filter((f) => findFile(ctx, f.id) && (!purpose || f.purpose === purpose))
      .sort((a, b) => (order === 'desc' ? b.seq - a.seq : a.seq - b.seq));
    const page = cursorPage(
      files,
      queryString(req.query.after, 'after'),
      parseLimit(req.query.limit, 10_000, 10_000),
    );
    // Observed shape (OpenAI); on an empty page the ids are null.
    return {
      object: 'list',
      data: page.data.map(fileView),
      first_id: page.data[0]?.id ?? null,
      last_id: page.data.at(-1)?.id ?? null,
      has_more: page.has_more,
    };
  });

  app.get<FileParams>(`${p}/files/:file_id`, (req) =>
    fileView(requireFile(ctx, req.params.file_id)),
  );

  app.get<FileParams>(`${p}/files/:file_id/content`, (req, reply) => {
    const file = requireFile(ctx, req.params.file_id);
    if (NOT_DOWNLOADABLE.has(file.purpose)) {
      throw invalidRequest(`Not allowed to download files of purpose: ${file.purpose}`);
    }
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', file.bytes)
      .send(ctx.blobs.read(file.id));
  });

  app.delete<FileParams>(`${p}/files/:file_id`, async (req) => {
    const file = requireFile(ctx, req.params.file_id);
    ctx.files.delete(file.id);
    await ctx.blobs.remove(file.id);
    return { object: 'file', id: file.id, deleted: true };
  });
}
