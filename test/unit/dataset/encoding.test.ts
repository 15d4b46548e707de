import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sniffEncoding, sniffedMessage } from '../../../src/dataset/encoding.js';
import { SAMPLES, useScratchDir, validate } from './support.js';

const sample = () => readFile(`${SAMPLES}train.jsonl`, 'utf8');

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return be;
}

function utf32le(text: string): Buffer {
  const out = Buffer.alloc(text.length * 4);
  [...text].forEach((ch, i) => out.writeUInt32LE(ch.codePointAt(0)!, i * 4));
  return out;
}

describe('sniffEncoding', () => {
  it('takes UTF-8 text (with or without BOM, any script) as possibly fine', async () => {
    const text = await sample();
    expect(sniffEncoding(Buffer.from(text))).toBeUndefined();
    expect(sniffEncoding(Buffer.from(`\ufeff${text}`))).toBeUndefined();
    expect(
      sniffEncoding(Buffer.from('{"messages": [{"role": "user", "content": "日本語 café"}]}')),
    ).toBeUndefined();
    expect(sniffEncoding(Buffer.alloc(0))).toBeUndefined();
  });

  it('names UTF-16 LE and BE, with and without a byte order mark', async () => {
    const text = await sample();
    expect(
      sniffEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
    ).toEqual({
      kind: 'utf16',
      endian: 'LE',
      bom: true,
    });
    expect(sniffEncoding(Buffer.from(text, 'utf16le'))).toEqual({
      kind: 'utf16',
      endian: 'LE',
      bom: false,
    });
    expect(sniffEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]))).toEqual({
      kind: 'utf16',
      endian: 'BE',
      bom: true,
    });
    expect(sniffEncoding(utf16be(text))).toEqual({ kind: 'utf16', endian: 'BE', bom: false });
  });

  it('names UTF-32', async () => {
    const text = (await sample()).slice(0, 500);
    expect(sniffEncoding(utf32le(text))).toEqual({ kind: 'utf32', endian: 'LE', bom: false });
    expect(
      sniffEncoding(Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le(text)])),
    ).toMatchObject({
      kind: 'utf32',
      bom: true,
    });
  });

  it('names well-known binary formats, and calls NUL-holding data binary', async () => {
    const text = await sample();
    expect(sniffEncoding(gzipSync(text))).toEqual({ kind: 'binary', what: 'gzip-compressed data' });
    expect(sniffEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]))?.kind).toBe('binary');
    expect(
      sniffEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0])) as { what?: string },
    ).toMatchObject({ what: 'a zip archive (or .xlsx/.docx)' });
    expect(
      sniffEncoding(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
    ).toMatchObject({ what: 'a PNG image' });
    expect(sniffEncoding(Buffer.from('{"a": 1}\n\0\0\u0001\u0002garbage\0'))).toEqual({
      kind: 'binary',
    });
  });

  it('says what the file is and what to do, in one message', () => {
    expect(sniffedMessage({ kind: 'utf16', endian: 'LE', bom: false })).toMatch(
      /^This looks like a UTF-16 LE text file, not UTF-8; save it as UTF-8/,
    );
    expect(sniffedMessage({ kind: 'utf16', endian: 'BE', bom: true })).toMatch(
      /UTF-16 BE text file \(it starts with a UTF-16 BE byte order mark\)/,
    );
    expect(sniffedMessage({ kind: 'binary', what: 'gzip-compressed data' })).toMatch(
      /^This looks like a binary file \(gzip-compressed data\), not a JSON Lines text file; decompress it first/,
    );
    expect(sniffedMessage({ kind: 'binary' })).toMatch(/binary file \(.*gzip\/zip\/PNG…/);
  });
});

describe('validateDatasetFile on files that are not UTF-8 text', () => {
  const scratch = useScratchDir();

  const oneError = async (body: Buffer, pattern: RegExp) => {
    const path = await scratch.write(`f-${Math.random().toString(36).slice(2)}`, body);
    const r = await validate(path);
    expect(r.ok).toBe(false);
    expect(r.errorCount).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.line).toBe(0);
    expect(r.errors[0]?.message).toMatch(pattern);
    expect(r.warningCount).toBe(0);
    expect(r.bytes).toBe(body.length);
    expect(r.digest).toMatch(/^[0-9a-f]{64}$/);
    return r;
  };

  it('UTF-16 LE with a BOM, as Windows tools save it: one message, not one per line', async () => {
    const text = await sample();
    await oneError(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      /UTF-16 LE text file.*save it as UTF-8/,
    );
  });

  it('UTF-16 LE without a BOM', async () => {
    await oneError(Buffer.from(await sample(), 'utf16le'), /UTF-16 LE text file/);
  });

  it('a gzip-compressed dataset', async () => {
    await oneError(gzipSync(await sample()), /binary file \(gzip-compressed data\).*decompress/);
  });

  it('random binary data with few newlines stays one message', async () => {
    const noise = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    await oneError(noise, /binary file/);
  });
});
