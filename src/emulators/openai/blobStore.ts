import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, writeFileSync, type ReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Counts bytes flowing through, and fails the stream past a limit. */
class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) cb(new TooLargeError(this.limit));
    else cb(null, chunk);
  }
}

export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`content exceeds ${limit} bytes`);
    this.name = 'TooLargeError';
  }
}

/**
 * File contents on disk, so uploads of any size cost no memory: in a private temp directory,
 * removed on close, or in a folder that is kept (`dir`). Keys are the emulator's own ids.
 */
export class BlobStore {
  private constructor(
    private readonly dir: string,
    private readonly keep: boolean,
  ) {}

  static async create(dir?: string): Promise<BlobStore> {
    if (dir) {
      await mkdir(dir, { recursive: true });
      return new BlobStore(dir, true);
    }
    return new BlobStore(await mkdtemp(join(tmpdir(), 'openai-emulator-')), false);
  }

  private path(key: string): string {
    return join(this.dir, key);
  }

  /** Streams `source` to disk; returns the byte count. Fails with TooLargeError past `limit`. */
  async write(key: string, source: Readable, limit = Number.MAX_SAFE_INTEGER): Promise<number> {
    const counter = new ByteCounter(limit);
    try {
      await pipeline(source, counter, createWriteStream(this.path(key)));
    } catch (err) {
      await this.remove(key);
      throw err;
    }
    return counter.bytes;
  }

  async writeBuffer(key: string, data: Buffer | string): Promise<number> {
    await writeFile(this.path(key), data);
    return Buffer.byteLength(data);
  }

  /** For small content the emulator writes itself, which must be readable immediately. */
  writeSmallSync(key: string, data: string): void {
    writeFileSync(this.path(key), data);
  }

  /** Joins stored blobs in order into a new one; returns its size and MD5 (hex). */
  async concat(key: string, parts: string[]): Promise<{ bytes: number; md5: string }> {
    const md5 = createHash('md5');
    const out = createWriteStream(this.path(key));
    let bytes = 0;
    try {
      for (const part of parts) {
        for await (const chunk of createReadStream(this.path(part)) as AsyncIterable<Buffer>) {
          md5.update(chunk);
          bytes += chunk.length;
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        }
      }
    } finally {
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    }
    return { bytes, md5: md5.digest('hex') };
  }

  read(key: string): ReadStream {
    return createReadStream(this.path(key));
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async remove(key: string): Promise<void> {
    await unlink(this.path(key)).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.keep) await rm(this.dir, { recursive: true, force: true });
  }
}
