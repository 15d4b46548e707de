import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  WandbError,
  WandbInputError,
  WandbIntegrityError,
  WandbProtocolError,
  WandbTransientError,
} from '../errors.js';
import type { CallOptions, WandbTransport } from '../transport.js';
import { fetchArtifactManifest } from './fetch.js';
import { ArtifactFileUrlsOp } from './operations.js';

// Download every file of a version into a directory, verifying each file's MD5 against the
// manifest; bytes are streamed to disk (memory stays flat) and renamed into place once verified.

export interface DownloadedFile {
  path: string;
  size: number;
  localPath: string;
}

export interface DownloadResult {
  files: DownloadedFile[];
  /** Reference entries (s3://, https://…) are not fetched by this client. */
  skippedReferences: string[];
}

const FILES_PER_PAGE = 1_000;
const ATTEMPTS_PER_FILE = 3;

async function fileUrls(
  t: WandbTransport,
  artifactId: string,
  options: CallOptions,
): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  let cursor: string | null = null;
  for (;;) {
    const variables = { id: artifactId, cursor, perPage: FILES_PER_PAGE };
    const files = (await t.graphql(ArtifactFileUrlsOp, variables, options)).artifact?.files;
    if (!files) break;
    for (const edge of files.edges) if (edge.node) urls.set(edge.node.name, edge.node.directUrl);
    const page: { endCursor?: string | null; hasNextPage: boolean } = files.pageInfo;
    if (!page.hasNextPage || !page.endCursor) break;
    cursor = page.endCursor;
  }
  return urls;
}

function safeDestination(root: string, path: string): string {
  const dest = resolve(root, path);
  if (!dest.startsWith(resolve(root) + sep)) {
    throw new WandbInputError(
      `Manifest path "${path}" points outside the download directory; refusing to write it.`,
    );
  }
  return dest;
}

async function downloadOne(
  t: WandbTransport,
  url: string,
  dest: string,
  expectedMd5: string,
  options: CallOptions,
): Promise<number> {
  await mkdir(dirname(dest), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const partial = `${dest}.part-${randomUUID()}`;
    try {
      const res = await t.getBlob(url, 'artifact file download', options);
      if (!res.body) throw new WandbProtocolError('Artifact file download returned no body.');
      const hash = createHash('md5');
      let size = 0;
      const source = Readable.fromWeb(
        res.body as import('node:stream/web').ReadableStream<Uint8Array>,
      );
      source.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      await pipeline(source, createWriteStream(partial), { signal: options.signal });
      const actual = hash.digest('base64');
      if (actual !== expectedMd5) {
        throw new WandbIntegrityError(
          `Downloaded ${dest} has MD5 ${actual}, manifest says ${expectedMd5}. The download was corrupted or the stored file differs; retry.`,
        );
      }
      await rename(partial, dest);
      return size;
    } catch (err) {
      await rm(partial, { force: true });
      options.signal?.throwIfAborted();
      // The transport already retried the request itself; here we retry broken or corrupt bodies.
      if (err instanceof WandbError && !(err instanceof WandbIntegrityError)) throw err;
      if (attempt >= ATTEMPTS_PER_FILE) {
        if (err instanceof WandbError) throw err;
        throw new WandbTransientError(`Downloading ${dest} failed: ${String(err)}. Retry later.`, {
          cause: err,
        });
      }
    }
  }
}

export async function downloadArtifact(
  t: WandbTransport,
  artifactId: string,
  root: string,
  options: CallOptions = {},
): Promise<DownloadResult> {
  const manifest = await fetchArtifactManifest(t, artifactId, options);
  const urls = await fileUrls(t, artifactId, options);
  const result: DownloadResult = { files: [], skippedReferences: [] };
  for (const [path, entry] of Object.entries(manifest.contents)) {
    if (entry.ref) {
      result.skippedReferences.push(path);
      continue;
    }
    const dest = safeDestination(root, path);
    const url = urls.get(path);
    if (!url) {
      throw new WandbProtocolError(
        `W&B listed no download URL for "${path}" of artifact ${artifactId}.`,
        {
          operation: 'ArtifactFileURLs',
        },
      );
    }
    const size = await downloadOne(t, url, dest, entry.digest, options);
    result.files.push({ path, size, localPath: dest });
  }
  return result;
}
