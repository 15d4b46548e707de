import { createHash } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FAST, startTestEmulator, type TestEmulator } from './support/harness.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator(FAST);
});
afterAll(() => t.close());
afterEach(() => {
  vi.useRealTimers();
});

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

async function start(bytes: number, extra: Partial<OpenAI.Uploads.UploadCreateParams> = {}) {
  return t.client.uploads.create({
    bytes,
    filename: 'big.jsonl',
    mime_type: 'text/jsonl',
    purpose: 'fine-tune',
    ...extra,
  });
}

async function addPart(uploadId: string, data: Buffer) {
  return t.client.uploads.parts.create(uploadId, { data: await toFile(data, 'part') });
}

describe('uploads', () => {
  it('creates with the required fields and assembles parts in part_ids order', async () => {
    const chunks = ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'].map((s) => Buffer.from(s));
    const whole = Buffer.concat(chunks);
    const upload = await start(whole.length);
    expect(upload).toMatchObject({
      object: 'upload',
      status: 'pending',
      bytes: whole.length,
      purpose: 'fine-tune',
      file: null,
    });
    expect(upload.id).toMatch(/^upload_/);
    expect(upload.expires_at - upload.created_at).toBe(3600);

    // Parts may arrive in any order; part_ids fixes the order.
    const third = await addPart(upload.id, chunks[2]!);
    const first = await addPart(upload.id, chunks[0]!);
    const second = await addPart(upload.id, chunks[1]!);
    expect(first).toMatchObject({ object: 'upload.part', upload_id: upload.id });
    expect(first.id).toMatch(/^part_/);

    const done = await t.client.uploads.complete(upload.id, {
      part_ids: [first.id, second.id, third.id],
    });
    expect(done.status).toBe('completed');
    expect(done.file).toMatchObject({
      object: 'file',
      bytes: whole.length,
      filename: 'big.jsonl',
      purpose: 'fine-tune',
    });
    const content = Buffer.from(await (await t.client.files.content(done.file!.id)).arrayBuffer());
    expect(content.equals(whole)).toBe(true);
    const ready = await t.client.files.waitForProcessing(done.file!.id, { pollInterval: 10 });
    expect(ready.status).toBe('processed');
  });

  it('takes every parameter: expires_after on create, md5 on complete', async () => {
    const data = Buffer.from('{"x":1}\n{"x":2}\n');
    const upload = await start(data.length, {
      expires_after: { anchor: 'created_at', seconds: 7200 },
    });
    const part = await addPart(upload.id, data);
    const done = await t.client.uploads.complete(upload.id, {
      part_ids: [part.id],
      md5: md5(data),
    });
    expect(done.file!.expires_at).toBeGreaterThanOrEqual(done.created_at + 7200);
  });

  it('refuses to complete when the bytes or the md5 do not match', async () => {
    const data = Buffer.from('{"x":1}\n');
    const upload = await start(data.length + 5);
    const part = await addPart(upload.id, data);
    await expect(t.client.uploads.complete(upload.id, { part_ids: [part.id] })).rejects.toThrow(
      /^400 .*8 bytes.*13 bytes/,
    );

    const exact = await start(data.length);
    const p = await addPart(exact.id, data);
    await expect(
      t.client.uploads.complete(exact.id, { part_ids: [p.id], md5: md5(Buffer.from('other')) }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'md5',
    });
    await expect(
      t.client.uploads.complete(exact.id, { part_ids: [part.id] }),
    ).rejects.toMatchObject({ param: 'part_ids' });
  });

  it('cancels, and then accepts nothing more', async () => {
    const upload = await start(10);
    const part = await addPart(upload.id, Buffer.from('12345'));
    const cancelled = await t.client.uploads.cancel(upload.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(addPart(upload.id, Buffer.from('67890'))).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    await expect(t.client.uploads.complete(upload.id, { part_ids: [part.id] })).rejects.toThrow(
      /^400 .*cancelled/,
    );
    await expect(t.client.uploads.cancel(upload.id)).rejects.toMatchObject({ status: 400 });
  });

  it('expires an hour after creation', async () => {
    const upload = await start(5);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3601 * 1000);
    await expect(addPart(upload.id, Buffer.from('12345'))).rejects.toThrow(/^400 .*expired/);
  });

  it('checks the request: mime type for fine-tune, missing fields, unknown upload', async () => {
    await expect(start(10, { mime_type: 'text/csv' })).rejects.toMatchObject({
      status: 400,
      param: 'mime_type',
    });
    await expect(start(10, { filename: 'data.csv' })).rejects.toMatchObject({ status: 400 });
    await expect(
      t.client.uploads.create({
        filename: 'a.jsonl',
        mime_type: 'text/jsonl',
        purpose: 'fine-tune',
      } as OpenAI.Uploads.UploadCreateParams),
    ).rejects.toMatchObject({ status: 400, param: 'bytes' });
    await expect(addPart('upload_missing', Buffer.from('x'))).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });
});
