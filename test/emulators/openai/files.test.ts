import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatJsonl, FAST, startTestEmulator, type TestEmulator } from './support/harness.js';

let t: TestEmulator;
let dir: string;

beforeAll(async () => {
  t = await startTestEmulator(FAST);
  dir = await mkdtemp(join(tmpdir(), 'emulator-files-test-'));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

/** A multipart body sent as a chunked stream, laid out like newer openai clients stream files. */
async function* streamedMultipart(
  boundary: string,
  path: string,
  filename: string,
  purpose: string,
) {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n`,
  );
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }))
    yield chunk as Buffer;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

describe('files.create', () => {
  it('takes a buffered file with only the required fields, then processes it', async () => {
    const content = chatJsonl(3);
    const created = await t.client.files.create({
      file: await toFile(Buffer.from(content), 'train.jsonl'),
      purpose: 'fine-tune',
    });
    expect(created).toMatchObject({
      object: 'file',
      purpose: 'fine-tune',
      filename: 'train.jsonl',
      bytes: Buffer.byteLength(content),
      status: 'uploaded',
      expires_at: null,
    });
    expect(created.id).toMatch(/^file-[A-Za-z0-9]{22}$/);
    const ready = await t.client.files.waitForProcessing(created.id, { pollInterval: 10 });
    expect(ready.status).toBe('processed');
  });

  it('takes every parameter, including expires_after', async () => {
    const created = await t.client.files.create({
      file: new File([chatJsonl(2)], 'valid.jsonl', { type: 'application/jsonl' }),
      purpose: 'fine-tune',
      expires_after: { anchor: 'created_at', seconds: 7200 },
    });
    expect(created.expires_at).toBe(created.created_at + 7200);
  });

  it('takes an fs.ReadStream and gives back the same bytes', async () => {
    const path = join(dir, 'stream.jsonl');
    await writeFile(path, chatJsonl(50));
    const created = await t.client.files.create({
      file: createReadStream(path),
      purpose: 'fine-tune',
    });
    expect(created.filename).toBe('stream.jsonl');
    const body = Buffer.from(await (await t.client.files.content(created.id)).arrayBuffer());
    expect(body.toString()).toBe(chatJsonl(50));
  });

  it('takes a chunked, streamed multipart body of several megabytes (purpose first)', async () => {
    const path = join(dir, 'big.jsonl');
    const data = Buffer.from(`${randomBytes(6 * 1024 * 1024).toString('base64')}\n`);
    await writeFile(path, data);
    const boundary = `openai-${randomBytes(8).toString('hex')}`;
    const created = await t.client.post<OpenAI.Files.FileObject>('/files', {
      body: streamedMultipart(boundary, path, 'big.jsonl', 'fine-tune'),
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(created.bytes).toBe(data.length);
    const body = Buffer.from(await (await t.client.files.content(created.id)).arrayBuffer());
    expect(md5(body)).toBe(md5(data));
  });

  it('refuses a fine-tune file that is not .jsonl, and an unknown purpose', async () => {
    const csv = t.client.files.create({
      file: await toFile(Buffer.from('a,b'), 'data.csv'),
      purpose: 'fine-tune',
    });
    await expect(csv).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(csv).rejects.toThrow(/Must be \.jsonl/);
    const purpose = t.client.files.create({
      file: await toFile(Buffer.from('{}'), 'x.jsonl'),
      purpose: 'training' as OpenAI.FilePurpose,
    });
    await expect(purpose).rejects.toMatchObject({ status: 400, param: 'purpose' });
  });
});

describe('files.list', () => {
  it('lists newest first across pages, filtered by purpose', async () => {
    const own = await t
      .clientWith({})
      .files.create({ file: await toFile(Buffer.from('x'), 'notes.txt'), purpose: 'user_data' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await t.client.files.create({
            file: await toFile(Buffer.from(`{"i":${i}}`), `p${i}.jsonl`),
            purpose: 'batch',
          })
        ).id,
      );
    }
    const seen: string[] = [];
    for await (const f of t.client.files.list({ purpose: 'batch', limit: 2 })) seen.push(f.id);
    expect(seen).toEqual([...ids].reverse());
    expect(seen).not.toContain(own.id);

    const first = await t.client.files.list({ purpose: 'batch', limit: 2 });
    expect(first.data.map((f) => f.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const next = await t.client.files.list({ purpose: 'batch', limit: 2, after: ids[3] });
    expect(next.data.map((f) => f.id)).toEqual([ids[2], ids[1]]);
    const asc = await t.client.files.list({ purpose: 'batch', order: 'asc', limit: 10 });
    expect(asc.data.map((f) => f.id)).toEqual(ids);
    expect(asc.has_more).toBe(false);
  });

  it('lists everything with no parameters', async () => {
    const page = await t.client.files.list();
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((f) => f.object === 'file')).toBe(true);
  });

  it('gives an empty page for a purpose nobody used', async () => {
    const page = await t.client.files.list({ purpose: 'vision' });
    expect(page.data).toEqual([]);
  });
});

describe('files.retrieve, content, delete', () => {
  it('retrieves, downloads and deletes', async () => {
    const created = await t.client.files.create({
      file: await toFile(Buffer.from(chatJsonl(1)), 'one.jsonl'),
      purpose: 'fine-tune',
    });
    expect((await t.client.files.retrieve(created.id)).id).toBe(created.id);
    const deleted = await t.client.files.delete(created.id);
    expect(deleted).toEqual({ object: 'file', id: created.id, deleted: true });
    await expect(t.client.files.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(t.client.files.delete(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses to hand back user_data files, as the service does', async () => {
    const created = await t.client.files.create({
      file: await toFile(Buffer.from('secret'), 'notes.txt'),
      purpose: 'user_data',
    });
    const refused = t.client.files.content(created.id);
    await expect(refused).rejects.toMatchObject({ status: 400 });
    await expect(refused).rejects.toThrow('Not allowed to download files of purpose: user_data');
  });

  it('says which file is missing', async () => {
    const missing = t.client.files.retrieve('file-doesnotexist');
    await expect(missing).rejects.toMatchObject({ status: 404 });
    await expect(missing).rejects.toThrow('file-doesnotexist');
  });
});
