import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  artifactDigest,
  buildManifest,
  compareCodePoints,
  parseManifest,
  serializeManifest,
} from '../../../src/wandb/artifacts/manifest.js';
import { md5Base64 } from '../../../src/wandb/fileSource.js';

// Worked example from W&B's MANIFEST_MD5 definition (computed with the Python SDK's algorithm).
const HELLO = 'hello\n';
const MODEL_METADATA = '{\n  "id": "ftjob-abc"\n}';

describe('artifact digest (MANIFEST_MD5)', () => {
  it('matches the protocol test vector', () => {
    expect(md5Base64(HELLO)).toBe('sZRqySSS0jR8YjW00mERhA==');
    expect(md5Base64(MODEL_METADATA)).toBe('yajhk7zDb6hc7SCNdG2Syg==');
    expect(Buffer.byteLength(MODEL_METADATA)).toBe(23);
    const digest = artifactDigest([
      { path: 'model_metadata.json', digest: md5Base64(MODEL_METADATA) },
      { path: 'a/b.txt', digest: md5Base64(HELLO) },
    ]);
    expect(digest).toBe('5b627afd2061a73407e23dfbcbfd7466');
  });

  it('does not depend on the order entries are given in', () => {
    const entries = [
      { path: 'z', digest: 'A' },
      { path: 'a', digest: 'B' },
      { path: 'm/n', digest: 'C' },
    ];
    expect(artifactDigest(entries)).toBe(artifactDigest([...entries].reverse()));
  });

  it('changes when a path or a file digest changes', () => {
    const base = artifactDigest([{ path: 'a', digest: 'X' }]);
    expect(artifactDigest([{ path: 'b', digest: 'X' }])).not.toBe(base);
    expect(artifactDigest([{ path: 'a', digest: 'Y' }])).not.toBe(base);
  });

  it('sorts by code point like Python, not by UTF-16 unit', () => {
    const bmpHigh = '\uFF01.txt'; // U+FF01
    const astral = '\u{1F600}.txt'; // U+1F600: its UTF-16 lead unit 0xD83D sorts *before* 0xFF01
    expect(bmpHigh < astral).toBe(false); // JS default order disagrees with Python's
    expect(compareCodePoints(bmpHigh, astral)).toBeLessThan(0);
    const expected = createHash('md5')
      .update(`wandb-artifact-manifest-v1\n${bmpHigh}:d1\n${astral}:d2\n`, 'utf8')
      .digest('hex');
    expect(
      artifactDigest([
        { path: astral, digest: 'd2' },
        { path: bmpHigh, digest: 'd1' },
      ]),
    ).toBe(expected);
  });
});

describe('manifest v1', () => {
  it('writes version 1, the storage policy, sorted contents, and reads back the same', () => {
    const manifest = buildManifest([
      {
        path: 'train.jsonl',
        entry: { digest: 'bbb', size: 10, birthArtifactID: 'QXJ0aWZhY3Q6MQ==' },
      },
      { path: 'a.table.json', entry: { digest: 'aaa', size: 3 } },
    ]);
    const text = serializeManifest(manifest);
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(raw.version).toBe(1);
    expect(raw.storagePolicy).toBe('wandb-storage-policy-v1');
    expect(raw.storagePolicyConfig).toEqual({ storageLayout: 'V2' });
    expect(Object.keys(raw.contents as object)).toEqual(['a.table.json', 'train.jsonl']);
    expect(parseManifest(text)).toEqual(manifest);
  });

  it('ignores keys other writers add and keeps references', () => {
    const parsed = parseManifest(
      JSON.stringify({
        version: 1,
        storagePolicy: 'wandb-storage-policy-v1',
        storagePolicyConfig: { storageLayout: 'V1', storageRegion: 'coreweave-us' },
        contents: {
          'x.bin': { digest: 'abc', size: 1, skip_cache: false, local_path: '/tmp/x' },
          remote: { digest: 'etag', ref: 's3://bucket/key', size: 9, extra: { versionID: '1' } },
        },
      }),
    );
    expect(parsed.contents['x.bin']).toEqual({ digest: 'abc', size: 1 });
    expect(parsed.contents.remote).toEqual({
      digest: 'etag',
      ref: 's3://bucket/key',
      size: 9,
      extra: { versionID: '1' },
    });
    expect(parsed.storagePolicyConfig).toEqual({
      storageLayout: 'V1',
      storageRegion: 'coreweave-us',
    });
  });

  it('rejects other manifest versions and non-JSON', () => {
    expect(() => parseManifest('{"version":2,"storagePolicy":"p","contents":{}}')).toThrow(
      /version-1/,
    );
    expect(() => parseManifest('nope')).toThrow(/not valid JSON/);
  });
});
