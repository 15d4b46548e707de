import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  TogetherUploadError,
  uploadTogetherFile,
  type TogetherUploadSettings,
} from '../../../src/providers/together/upload.js';
import { API_KEY, chatJsonl, startTestEmulator, type TestEmulator } from './support/harness.js';
import type { TogetherEmulatorOptions } from '../../../src/emulators/together/index.js';

/** Our hand-written presigned upload (the provider's), against the emulator. */
let dir: string;
let path: string;
const content = chatJsonl(12);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'together-upload-'));
  path = join(dir, 'train.jsonl');
  await writeFile(path, content);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(options: TogetherEmulatorOptions = {}): Promise<TogetherUploadSettings> {
  t = await startTestEmulator({ timeScale: 2000, ...options });
  return { baseURL: t.emulator.baseURL, apiKey: API_KEY, fetch: t.recorder.fetch };
}

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );

describe('uploadTogetherFile', () => {
  it('announces, PUTs to the presigned URL, finalises; names the file by its base name; returns the checksum', async () => {
    const s = await start();
    const result = await uploadTogetherFile(s, { path });
    expect(result.reused).toBe(false);
    expect(result.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(result.file).toMatchObject({
      filename: 'train.jsonl',
      bytes: Buffer.byteLength(content),
      purpose: 'fine-tune',
    });
    expect(t!.recorder.routes().map((r) => r.replace(/file-[0-9a-f-]+/, 'ID'))).toEqual([
      'POST /v1/files',
      'PUT /_presigned/files/ID',
      'POST /v1/files/ID/preprocess',
    ]);
  });

  it('adopts the file Together already has when it answers 409 {file_id} to the checksum', async () => {
    const s = await start({ dedupeUploadsByChecksum: true });
    const first = await uploadTogetherFile(s, { path });
    const second = await uploadTogetherFile(s, { path, fileName: 'other-name.jsonl' });
    expect(second).toMatchObject({ reused: true, file: { id: first.file.id } });
    expect((await t!.client.files.list()).data).toHaveLength(1);
  });

  it('a lost announce answer is retryable, and the retry makes exactly one file', async () => {
    const s = await start();
    t!.emulator.setFaults({ rateLoseAnswer: 1, maxFaults: 1, onlyPaths: /^\/v1\/files$/ });
    const err = await failure(uploadTogetherFile(s, { path }));
    expect(err).toBeInstanceOf(TogetherUploadError);
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true });
    await uploadTogetherFile(s, { path });
    expect((await t!.client.files.list()).data).toHaveLength(1);
  });

  it('a wrong key fails fast, names the setting and never shows the key', async () => {
    const s = await start();
    const err = await failure(
      uploadTogetherFile({ ...s, apiKey: 'tgp_v1_wrong-secret-key' }, { path }),
    );
    expect(err).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect((err as Error).message).toContain('TOGETHER_API_KEY');
    expect((err as Error).message).not.toContain('wrong-secret');
  });

  it('a 429 is retryable and carries retry-after', async () => {
    const s = await start();
    t!.emulator.setFaults({ rate429: 1, retryAfterSeconds: 7, maxFaults: 1 });
    expect(await failure(uploadTogetherFile(s, { path }))).toMatchObject({
      kind: 'unavailable',
      status: 429,
      retryAfterSeconds: 7,
    });
  });

  it('times out a request that gets no answer; the caller’s own abort is passed through, not wrapped', async () => {
    const s = await start();
    t!.emulator.setFaults({ latencyMs: 400, onlyPaths: /^\/v1\/files$/ });
    const slow = await failure(uploadTogetherFile({ ...s, requestTimeoutMs: 100 }, { path }));
    expect(slow).toMatchObject({ kind: 'unavailable' });
    expect((slow as Error).message).toMatch(/no answer within 100 ms/);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const aborted = await failure(uploadTogetherFile(s, { path, signal: abort.signal }));
    expect(aborted).not.toBeInstanceOf(TogetherUploadError);
    expect((aborted as Error).name).toBe('AbortError');
  });

  it('refuses bytes the storage did not keep (ETag ≠ MD5)', async () => {
    const s = await start();
    const tampering: typeof fetch = async (input, init) => {
      const res = await s.fetch!(input, init);
      if (init?.method !== 'PUT') return res;
      return new Response(null, {
        status: 200,
        headers: { etag: '"00000000000000000000000000000000"' },
      });
    };
    expect(await failure(uploadTogetherFile({ ...s, fetch: tampering }, { path }))).toMatchObject({
      kind: 'integrity',
      retryable: true,
    });
  });

  it('reads the file back when there is no preprocess step to call', async () => {
    const s = await start();
    const noPreprocess: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (url.endsWith('/preprocess')) return new Response('{"message":"no"}', { status: 404 });
      return s.fetch!(input, init);
    };
    const result = await uploadTogetherFile({ ...s, fetch: noPreprocess }, { path });
    expect(result.file.bytes).toBe(Buffer.byteLength(content));
  });

  it('refuses locally what it cannot upload: missing, empty, unknown extension', async () => {
    const s = await start();
    expect(
      await failure(uploadTogetherFile(s, { path: join(dir, 'missing.jsonl') })),
    ).toMatchObject({ kind: 'local' });
    await writeFile(join(dir, 'empty.jsonl'), '');
    expect(await failure(uploadTogetherFile(s, { path: join(dir, 'empty.jsonl') }))).toMatchObject({
      kind: 'local',
    });
    await writeFile(join(dir, 'data.txt'), content);
    expect(await failure(uploadTogetherFile(s, { path: join(dir, 'data.txt') }))).toMatchObject({
      kind: 'local',
    });
    expect(t!.recorder.responses).toHaveLength(0);
  });
});
