import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { TooLargeError } from '../../openai/blobStore.js';
import { receiveForm } from '../../openai/multipartForm.js';
import type { TogetherContext } from '../context.js';
import { badRequest, RawBodyError } from '../errors.js';
import { checkUploadFields, fileView, findFile, newFile, requireFile, sealFile } from '../files.js';

/** The emulator's cap (the documented caps run from 4.9 GB to 100 GB; a laptop needs less). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Where presigned uploads go: an object store's path shape on the emulator's own host. */
export const PRESIGNED_PREFIX = '/_presigned/files';

type IdParams = { Params: { id: string } };

const asStrings = (v: unknown): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(typeof v === 'object' && v !== null ? v : {}).map(([k, x]) => [
      k,
      typeof x === 'string' ? x : undefined,
    ]),
  );

/** An object store's XML error, as a presigned PUT gets one. */
function s3Error(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    );
}

export function registerFileRoutes(app: FastifyInstance, ctx: TogetherContext): void {
  // The description's form: one multipart request with the file.
  app.post('/v1/files/upload', async (req) => {
    const id = ctx.ids.file();
    const form = await receiveForm(req, ctx.blobs, {
      fileField: 'file',
      blobKey: id,
      maxBytes: MAX_FILE_BYTES,
    });
    try {
      if (!form.file) throw badRequest('file is required', 'file');
      const fields = checkUploadFields(form.fields);
      const file = newFile(ctx, { ...fields, id });
      await sealFile(ctx, file, form.file.bytes);
      return fileView(file);
    } catch (err) {
      ctx.files.delete(id);
      await ctx.blobs.remove(id);
      throw err;
    }
  });

  // What the SDKs do: announce the file, get a 302 to a presigned URL, PUT the bytes there.
  app.post('/v1/files', async (req, reply) => {
    let body: Record<string, string | undefined> = asStrings(req.body);
    if (req.isMultipart()) {
      body = (
        await receiveForm(req, ctx.blobs, {
          fileField: 'file',
          blobKey: `ignored-${ctx.nextSeq()}`,
          maxBytes: 0,
        })
      ).fields;
    }
    const fields = { ...asStrings(req.query), ...body };
    const announced = checkUploadFields(fields);
    const checksum = fields.checksum;
    if (ctx.dedupeUploadsByChecksum && checksum) {
      const same = [...ctx.files.values()].find(
        (f) =>
          f.bytes !== null &&
          f.sha256 === checksum.toLowerCase() &&
          f.purpose === announced.purpose,
      );
      // Python SDK: 409 with `{file_id}` means "already uploaded", adopt that file.
      if (same) throw new RawBodyError(409, { message: 'File already exists', file_id: same.id });
    }
    const file = newFile(ctx, { ...announced, checksum });
    const location = `${ctx.url()}${PRESIGNED_PREFIX}/${file.id}?X-Amz-Expires=3600&X-Amz-Signature=${file.uploadToken}`;
    return reply
      .code(302)
      .header('location', location)
      .header('x-together-file-id', file.id)
      .send();
  });

  // The presigned target: raw bytes, ETag = MD5 (as an object store answers a single PUT).
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.put<{ Params: { id: string }; Querystring: Record<string, string> }>(
      `${PRESIGNED_PREFIX}/:id`,
      async (req, reply) => {
        const file = ctx.files.get(req.params.id);
        const token = req.query['X-Amz-Signature'];
        if (!file || file.uploadToken === null || token !== file.uploadToken) {
          return s3Error(
            reply,
            403,
            'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided.',
          );
        }
        let bytes: number;
        try {
          bytes = await ctx.blobs.write(file.id, req.body as Readable, MAX_FILE_BYTES);
        } catch (err) {
          if (err instanceof TooLargeError)
            return s3Error(
              reply,
              400,
              'EntityTooLarge',
              'Your proposed upload exceeds the maximum allowed size',
            );
          throw err;
        }
        const md5 = createHash('md5');
        for await (const chunk of ctx.blobs.read(file.id) as AsyncIterable<Buffer>)
          md5.update(chunk);
        await sealFile(ctx, file, bytes);
        return reply
          .code(200)
          .header('etag', `"${md5.digest('hex')}"`)
          .send();
      },
    );
    done();
  });

  // The Python SDK's last step after the PUT; answers the file.
  app.post<IdParams>('/v1/files/:id/preprocess', (req) =>
    fileView(requireFile(ctx, req.params.id)),
  );

  // Spec: `{data}`, no pagination or filters. Oldest first (the order is unverified).
  app.get('/v1/files', () => ({
    data: [...ctx.files.values()]
      .filter((f) => findFile(ctx, f.id))
      .sort((a, b) => a.seq - b.seq)
      .map(fileView),
  }));

  app.get<IdParams>('/v1/files/:id', (req) => fileView(requireFile(ctx, req.params.id)));

  app.get<IdParams>('/v1/files/:id/content', (req, reply) => {
    const file = requireFile(ctx, req.params.id);
    return reply
      .header(
        'content-type',
        file.fileType === 'parquet' ? 'application/octet-stream' : 'text/plain; charset=utf-8',
      )
      .header('content-length', file.bytes ?? 0)
      .send(ctx.blobs.read(file.id));
  });

  app.delete<IdParams>('/v1/files/:id', async (req) => {
    const file = requireFile(ctx, req.params.id);
    ctx.files.delete(file.id);
    await ctx.blobs.remove(file.id);
    return { id: file.id, deleted: true };
  });
}
