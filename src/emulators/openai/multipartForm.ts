import type { FastifyRequest } from 'fastify';
import type { BlobStore } from './blobStore.js';
import { TooLargeError } from './blobStore.js';
import { invalidRequest } from './errors.js';

export interface ReceivedForm {
  /** Set when the form had a file under the expected field; its bytes are in the blob store. */
  file?: { filename: string; bytes: number; mimetype: string };
  fields: Record<string, string>;
}

const MB = 1024 * 1024;

/**
 * Reads a multipart body, streaming the one file field straight to disk under `blobKey`.
 * Parts may come in any order (the SDK appends the file before `purpose`), so fields are
 * collected and judged afterwards by the caller. Works the same for buffered FormData bodies and
 * chunked, streamed multipart bodies.
 */
export async function receiveForm(
  req: FastifyRequest,
  blobs: BlobStore,
  opts: { fileField: string; blobKey: string; maxBytes: number },
): Promise<ReceivedForm> {
  if (!req.isMultipart()) {
    throw invalidRequest(
      `Invalid Content-Type header (${req.headers['content-type'] ?? 'none'}), expected multipart/form-data.`,
    );
  }
  const form: ReceivedForm = { fields: {} };
  try {
    for await (const part of req.parts({
      limits: { fileSize: opts.maxBytes + 1, files: 2, fields: 20 },
    })) {
      if (part.type === 'field') {
        form.fields[part.fieldname] = String(part.value);
      } else if (part.fieldname === opts.fileField && !form.file) {
        const bytes = await blobs.write(opts.blobKey, part.file, opts.maxBytes);
        form.file = { filename: part.filename, bytes, mimetype: part.mimetype };
      } else {
        part.file.resume(); // not ours: drain it so the form can go on
      }
    }
  } catch (err) {
    await blobs.remove(opts.blobKey);
    if (
      err instanceof TooLargeError ||
      (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE'
    ) {
      throw invalidRequest(
        `File is too large: the limit is ${Math.round(opts.maxBytes / MB)} MB.`,
        opts.fileField,
        'file_too_large',
      );
    }
    throw err;
  }
  return form;
}
