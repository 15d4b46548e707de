import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downloadArtifact } from '../../../src/wandb/artifacts/download.js';
import { buildManifest, serializeManifest } from '../../../src/wandb/artifacts/manifest.js';
import { WandbInputError, WandbIntegrityError } from '../../../src/wandb/errors.js';
import { bodyFactory, md5Base64 } from '../../../src/wandb/fileSource.js';
import { WandbTransport } from '../../../src/wandb/transport.js';
import {
  FAST_RETRY,
  json,
  quietLogger,
  startHttpPeer,
  TEST_KEY,
  type HttpPeer,
} from './httpPeer.js';

let peer: HttpPeer | undefined;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wandb-blob-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const transport = (url: string) =>
  new WandbTransport({ apiKey: TEST_KEY, baseUrl: url, retry: FAST_RETRY, logger: quietLogger });

describe('blob upload', () => {
  it('re-sends a file body in full after a failed attempt (streams are re-opened)', async () => {
    const path = join(dir, 'big.bin');
    const content = Buffer.alloc(300_000, 'x');
    await writeFile(path, content);
    let n = 0;
    peer = await startHttpPeer((_req, res) => {
      n++;
      if (n === 1) json(res, 503, {});
      else res.writeHead(200).end();
    });
    await transport(peer.url).putBlob(
      `${peer.url}/upload/1`,
      bodyFactory({ path }),
      { 'content-length': String(content.length) },
      'upload',
    );
    expect(peer.requests).toHaveLength(2);
    for (const r of peer.requests) {
      expect(r.body.length).toBe(content.length);
      expect(r.headers['content-length']).toBe(String(content.length));
    }
  });
});

/** Serves a one-file artifact whose stored bytes are `served`, while the manifest promises `promised`. */
async function artifactPeer(
  files: Record<string, { promised: string; served: string }>,
): Promise<HttpPeer> {
  const manifest = serializeManifest(
    buildManifest(
      Object.entries(files).map(([p, f]) => ({
        path: p,
        entry: { digest: md5Base64(f.promised), size: f.promised.length },
      })),
    ),
  );
  const started = await startHttpPeer((req, res) => {
    if (req.path === '/api/graphql') {
      const { operationName } = JSON.parse(req.body) as { operationName: string };
      const base = `http://${req.headers.host}`;
      if (operationName === 'FetchArtifactManifest') {
        return json(res, 200, {
          data: { artifact: { currentManifest: { file: { directUrl: `${base}/blob/manifest` } } } },
        });
      }
      return json(res, 200, {
        data: {
          artifact: {
            files: {
              pageInfo: { endCursor: null, hasNextPage: false },
              edges: Object.keys(files).map((name) => ({
                node: { name, directUrl: `${base}/blob/${encodeURIComponent(name)}` },
              })),
            },
          },
        },
      });
    }
    const name = decodeURIComponent(req.path.slice('/blob/'.length));
    res.writeHead(200).end(name === 'manifest' ? manifest : files[name]!.served);
  });
  return started;
}

describe('artifact download', () => {
  it('writes verified files and never the auth header to storage URLs', async () => {
    peer = await artifactPeer({
      'data/train.jsonl': { promised: '{"a":1}\n', served: '{"a":1}\n' },
    });
    const target = join(dir, 'ok');
    // the API lives under /api; storage URLs (/blob/…) are outside it and must not get the key
    const result = await downloadArtifact(transport(`${peer.url}/api`), 'QXJ0aWZhY3Q6MQ==', target);
    expect(result.files).toEqual([
      { path: 'data/train.jsonl', size: 8, localPath: join(target, 'data/train.jsonl') },
    ]);
    expect(await readFile(join(target, 'data/train.jsonl'), 'utf8')).toBe('{"a":1}\n');
    const storage = peer.requests.filter((r) => r.path.startsWith('/blob/'));
    expect(storage.length).toBe(2);
    expect(storage.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('rejects corrupted bytes after retrying, and leaves no file behind', async () => {
    peer = await artifactPeer({ 'x.txt': { promised: 'good', served: 'evil' } });
    const target = join(dir, 'bad');
    await expect(
      downloadArtifact(transport(`${peer.url}/api`), 'id', target),
    ).rejects.toBeInstanceOf(WandbIntegrityError);
    expect(peer.requests.filter((r) => r.path === '/blob/x.txt')).toHaveLength(3);
    await expect(stat(join(target, 'x.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses manifest paths that escape the target directory', async () => {
    peer = await artifactPeer({ '../escape.txt': { promised: 'x', served: 'x' } });
    await expect(
      downloadArtifact(transport(`${peer.url}/api`), 'id', join(dir, 'jail')),
    ).rejects.toBeInstanceOf(WandbInputError);
    await expect(stat(join(dir, 'escape.txt'))).rejects.toThrow(/ENOENT/);
  });
});
