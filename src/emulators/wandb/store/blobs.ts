import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { replaceAll } from './ids.js';

export interface StoredBlob {
  size: number;
  /** base64 MD5 of the bytes. */
  md5: string;
}

export interface PendingUpload {
  key: string;
  /** base64 MD5 the bytes must have (known for artifact files and manifests). */
  expectedMd5?: string;
  onStored?: (blob: StoredBlob) => void;
}

export function md5Base64(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('base64');
}

export function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

/**
 * Bytes on disk under opaque keys, reachable only through signed URLs: uploads through a random
 * one-off token registered when the API hands out an upload URL, downloads through an HMAC of the
 * key with a per-process secret. Neither needs (or accepts) the W&B API key, like cloud storage.
 */
export class BlobStore {
  private readonly secret = randomBytes(32);
  private readonly meta = new Map<string, StoredBlob>();
  private readonly uploads = new Map<string, PendingUpload>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  has(key: string): boolean {
    return this.meta.has(key);
  }

  stat(key: string): StoredBlob | undefined {
    return this.meta.get(key);
  }

  put(key: string, bytes: Uint8Array): StoredBlob {
    writeFileSync(this.fileFor(key), bytes);
    const blob = { size: bytes.byteLength, md5: md5Base64(bytes) };
    this.meta.set(key, blob);
    return blob;
  }

  get(key: string): Buffer | undefined {
    const file = this.fileFor(key);
    return this.meta.has(key) && existsSync(file) ? readFileSync(file) : undefined;
  }

  /** Registers an upload and returns the path part of its signed URL. */
  uploadPath(upload: PendingUpload): string {
    const token = randomBytes(24).toString('base64url');
    this.uploads.set(token, upload);
    return `/_upload/${token}`;
  }

  takeUpload(token: string): PendingUpload | undefined {
    return this.uploads.get(token);
  }

  downloadPath(key: string): string {
    const encoded = Buffer.from(key, 'utf8').toString('base64url');
    return `/_blob/${encoded}?sig=${this.sign(key)}`;
  }

  /** The key a signed download path stands for, or undefined when the signature is wrong. */
  verifyDownload(encodedKey: string, signature: string): string | undefined {
    const key = Buffer.from(encodedKey, 'base64url').toString('utf8');
    const expected = Buffer.from(this.sign(key));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? key : undefined;
  }

  private sign(key: string): string {
    return createHmac('sha256', this.secret).update(key).digest('base64url');
  }

  private fileFor(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex'));
  }

  /**
   * What is stored (the bytes stay in the folder). Uploads in flight are not kept: their URLs
   * die with the process, and a client asks for new ones.
   */
  snapshot(): Map<string, StoredBlob> {
    return this.meta;
  }

  restore(meta: Map<string, StoredBlob>): void {
    replaceAll(this.meta, meta);
  }
}
