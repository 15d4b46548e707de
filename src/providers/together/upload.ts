import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';

/**
 * Uploads a file to Together the way its SDKs do — announce it (`POST /files` → 302 with a
 * presigned `Location` and `x-together-file-id`), `PUT` the bytes there, finalise (`POST
 * /files/{id}/preprocess`, as the Python SDK does) — written by hand because the `together-ai`
 * SDK's `files.upload` ignores `baseURL`, sends the local path as the file name and can hang
 * on an unknown extension (facts sheet §9). Every request has a timeout; the SHA-256 is sent
 * as `checksum` (what the Python SDK sends), the object store's ETag is checked against the
 * MD5 and the stored size against the local one. A `409 {file_id}` (the server already has
 * these bytes; seen only in the Python SDK) adopts that file.
 */

/** An object store takes at most 5 GiB in one PUT; larger files need the multipart flow. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

export type TogetherPurpose = 'fine-tune' | 'eval' | 'batch-api';
export type TogetherFileType = 'jsonl' | 'parquet' | 'csv';

export interface TogetherUploadSettings {
  /** e.g. `https://api.together.ai/v1` (never hard-coded: the SDK's helper still uses the old host). */
  baseURL: string;
  apiKey: string;
  /** Per API request (announce, finalise, read back); default 60 s. */
  requestTimeoutMs?: number;
  /** For the PUT of the bytes; default 30 min. */
  transferTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export interface TogetherUploadRequest {
  path: string;
  /** The name Together records; default the file's base name (never the local path). */
  fileName?: string;
  purpose?: TogetherPurpose;
  /** Default from the extension. */
  fileType?: TogetherFileType;
  signal?: AbortSignal;
}

/** The fields of Together's file object the pipeline reads. */
export interface TogetherFile {
  id: string;
  bytes: number;
  filename: string;
  purpose: string;
  processing_status?: string;
  validation_report?: { valid: boolean; error?: string };
}

export interface TogetherUploadResult {
  file: TogetherFile;
  sha256: string;
  /** The server already had these bytes (409) and the upload adopted that file. */
  reused: boolean;
}

export type TogetherUploadErrorKind = 'local' | 'auth' | 'rejected' | 'unavailable' | 'integrity';

/** One failure type for the provider to map at its boundary; `retryable` says whether to try again. */
export class TogetherUploadError extends Error {
  constructor(
    message: string,
    readonly kind: TogetherUploadErrorKind,
    readonly status: number | null = null,
    /** Seconds the server asked to wait (`retry-after`), if it did. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'TogetherUploadError';
  }

  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'integrity';
  }
}

interface Digest {
  bytes: number;
  sha256: string;
  md5: string;
}

async function digest(path: string, signal: AbortSignal | undefined): Promise<Digest> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) {
    sha.update(chunk);
    md5.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: sha.digest('hex'), md5: md5.digest('hex') };
}

function fileTypeOf(path: string): TogetherFileType {
  const ext = extname(path).slice(1).toLowerCase();
  if (ext === 'jsonl' || ext === 'parquet' || ext === 'csv') return ext;
  throw new TogetherUploadError(
    `${basename(path)}: Together takes .jsonl, .parquet or .csv files; pass fileType to upload it anyway`,
    'local',
  );
}

/** The server's own message from an error body (`{error: {message}}` or `{message}`). */
async function serverMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: string }; message?: string };
    return body.error?.message ?? body.message ?? (text.slice(0, 300) || res.statusText);
  } catch {
    return text.slice(0, 300) || res.statusText;
  }
}

async function statusError(res: Response, action: string): Promise<TogetherUploadError> {
  const message = `${action}: Together answered ${res.status}: ${await serverMessage(res)}`;
  const retryAfter = Number(res.headers.get('retry-after'));
  const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  if (res.status === 401 || res.status === 403) {
    return new TogetherUploadError(
      `${message}. Check TOGETHER_API_KEY (a key of the project that should own the file).`,
      'auth',
      res.status,
    );
  }
  if (res.status === 408 || res.status === 429 || res.status >= 500)
    return new TogetherUploadError(message, 'unavailable', res.status, wait);
  return new TogetherUploadError(message, 'rejected', res.status);
}

/** Joins the caller's signal (cancellation) with a timeout for one request. */
function within(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

export async function uploadTogetherFile(
  s: TogetherUploadSettings,
  r: TogetherUploadRequest,
): Promise<TogetherUploadResult> {
  const fetchFn = s.fetch ?? globalThis.fetch;
  const base = s.baseURL.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${s.apiKey}` };
  const requestMs = s.requestTimeoutMs ?? 60_000;
  const fileName = r.fileName ?? basename(r.path);
  const fileType = r.fileType ?? fileTypeOf(r.path);
  const purpose = r.purpose ?? 'fine-tune';

  // Network failures and timeouts are worth a retry; the caller's own abort is not ours to hide.
  const send = async (
    action: string,
    url: string,
    init: RequestInit,
    ms: number,
  ): Promise<Response> => {
    try {
      return await fetchFn(url, { ...init, signal: within(r.signal, ms) });
    } catch (err) {
      if (r.signal?.aborted) throw err;
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new TogetherUploadError(
        `${action}: ${timedOut ? `no answer within ${ms} ms` : `cannot reach Together (${(err as Error).message})`}`,
        'unavailable',
      );
    }
  };
  const readBack = async (id: string, action: string): Promise<TogetherFile> => {
    const res = await send(
      action,
      `${base}/files/${encodeURIComponent(id)}`,
      { headers: auth },
      requestMs,
    );
    if (!res.ok) throw await statusError(res, action);
    return (await res.json()) as TogetherFile;
  };

  const size = (
    await stat(r.path).catch((err: Error) => {
      throw new TogetherUploadError(`${r.path}: cannot read the file (${err.message})`, 'local');
    })
  ).size;
  if (size === 0) throw new TogetherUploadError(`${fileName}: the file is empty`, 'local');
  if (size > MAX_SINGLE_PUT_BYTES) {
    throw new TogetherUploadError(
      `${fileName}: ${size} bytes is more than one upload takes (5 GiB); split the dataset`,
      'local',
    );
  }
  const local = await digest(r.path, r.signal);

  const params = new URLSearchParams({
    file_name: fileName,
    file_type: fileType,
    purpose,
    checksum: local.sha256,
  });
  const announce = await send(
    `Announcing ${fileName}`,
    `${base}/files?${params.toString()}`,
    {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
      redirect: 'manual',
    },
    requestMs,
  );
  if (announce.status === 409) {
    const existing = ((await announce.json().catch(() => ({}))) as { file_id?: string }).file_id;
    if (!existing)
      throw new TogetherUploadError(
        `Announcing ${fileName}: 409 without a file_id`,
        'rejected',
        409,
      );
    const file = await readBack(
      existing,
      `Reading ${existing}, which Together says has these bytes`,
    );
    if (file.bytes !== local.bytes) {
      throw new TogetherUploadError(
        `${fileName}: Together's ${existing} has ${file.bytes} bytes, the local file ${local.bytes}`,
        'integrity',
        409,
      );
    }
    return { file, sha256: local.sha256, reused: true };
  }
  if (announce.status !== 302) {
    throw announce.ok
      ? new TogetherUploadError(
          `Announcing ${fileName}: expected a redirect, got ${announce.status}`,
          'rejected',
          announce.status,
        )
      : await statusError(announce, `Announcing ${fileName}`);
  }
  const location = announce.headers.get('location');
  const fileId = announce.headers.get('x-together-file-id');
  if (!location || !fileId) {
    throw new TogetherUploadError(
      `Announcing ${fileName}: the redirect lacks Location or x-together-file-id`,
      'unavailable',
      302,
    );
  }

  // The presigned URL carries its own credentials: no Authorization header goes there.
  const put = await send(
    `Uploading ${fileName}`,
    location,
    {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(local.bytes),
      },
      body: Readable.toWeb(createReadStream(r.path)),
      duplex: 'half', // a streamed body (undici asks for it)
    },
    s.transferTimeoutMs ?? 30 * 60_000,
  );
  if (put.status !== 200) {
    // The storage's XML error is no use to a person; its status is. A fresh announce gets a new URL.
    await put.body?.cancel();
    throw new TogetherUploadError(
      `Uploading ${fileName}: the storage answered ${put.status}`,
      put.status === 403 || put.status >= 500 ? 'unavailable' : 'rejected',
      put.status,
    );
  }
  const etag = put.headers.get('etag')?.replace(/"/g, '');
  if (etag && /^[0-9a-f]{32}$/i.test(etag) && etag.toLowerCase() !== local.md5) {
    throw new TogetherUploadError(
      `Uploading ${fileName}: the storage holds other bytes (MD5 ${etag}, local ${local.md5})`,
      'integrity',
      200,
    );
  }

  const finalise = await send(
    `Finalising ${fileId}`,
    `${base}/files/${encodeURIComponent(fileId)}/preprocess`,
    { method: 'POST', headers: auth },
    requestMs,
  );
  let file: TogetherFile;
  if (finalise.ok) file = (await finalise.json()) as TogetherFile;
  else if (finalise.status === 404 || finalise.status === 405) {
    await finalise.body?.cancel();
    file = await readBack(fileId, `Reading ${fileId}`);
  } else throw await statusError(finalise, `Finalising ${fileId}`);
  if (file.id !== fileId || file.bytes !== local.bytes) {
    throw new TogetherUploadError(
      `${fileName}: Together's ${fileId} records ${file.bytes} bytes, the local file has ${local.bytes}`,
      'integrity',
      200,
    );
  }
  return { file, sha256: local.sha256, reused: false };
}
