import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

// Bytes to upload, from memory or from disk. Files on disk are hashed and uploaded as streams so
// memory stays flat whatever their size.

export type FileSource = { path: string } | { bytes: Uint8Array } | { text: string };

export interface FileFingerprint {
  /** Base64 MD5, the digest W&B uses in manifests and Content-MD5. */
  md5: string;
  size: number;
}

export function md5Base64(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('base64');
}

export function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

export async function fingerprint(source: FileSource): Promise<FileFingerprint> {
  if ('bytes' in source) return { md5: md5Base64(source.bytes), size: source.bytes.byteLength };
  if ('text' in source)
    return { md5: md5Base64(source.text), size: Buffer.byteLength(source.text) };
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of createReadStream(source.path)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
  }
  const info = await stat(source.path);
  if (info.size !== size) {
    throw new Error(`File ${source.path} changed while it was being hashed; try again.`);
  }
  return { md5: hash.digest('base64'), size };
}

/** A fresh request body for each attempt (a consumed stream cannot be sent twice). */
export function bodyFactory(source: FileSource): () => RequestInit['body'] {
  if ('bytes' in source) return () => source.bytes;
  if ('text' in source) return () => source.text;
  return () => Readable.toWeb(createReadStream(source.path));
}

/** `"Key: Value"` strings (W&B's uploadHeaders) to a header record; splits at the first colon. */
export function parseUploadHeaders(
  lines: readonly string[] | null | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines ?? []) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}
