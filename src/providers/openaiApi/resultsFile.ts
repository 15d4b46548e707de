import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parse } from 'csv-parse';

/**
 * Decodes base64 text in a stream, keeping any partial 4-character group for the next chunk so
 * chunk boundaries never corrupt the output. Memory stays flat in file size.
 */
class Base64Decoder extends Transform {
  private carry = '';
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const text = this.carry + chunk.toString('latin1').replace(/\s+/g, '');
    const usable = text.length - (text.length % 4);
    this.carry = text.slice(usable);
    cb(null, Buffer.from(text.slice(0, usable), 'base64'));
  }
  override _flush(cb: TransformCallback): void {
    cb(null, this.carry ? Buffer.from(this.carry, 'base64') : undefined);
  }
}

const HEAD_BYTES = 64;

/**
 * The results file has come back both as plain CSV and as base64-encoded CSV. A CSV header always
 * has a comma; base64 never does. The first bytes (gathered across chunks) decide.
 */
export function looksBase64(head: Buffer): boolean {
  const text = head.toString('latin1');
  return text.trim().length > 0 && /^[A-Za-z0-9+/=\s]+$/.test(text);
}

export async function decodedResults(
  body: WebReadableStream<Uint8Array> | Readable,
): Promise<{ stream: Readable; base64: boolean }> {
  const source = body instanceof Readable ? body : Readable.fromWeb(body);
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < HEAD_BYTES) {
    const n = await iterator.next();
    if (n.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.from(n.value);
    headChunks.push(chunk);
    headLength += chunk.length;
  }
  const head = Buffer.concat(headChunks);
  const base64 = looksBase64(head.subarray(0, HEAD_BYTES));
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const n = await iterator.next();
      if (n.done) return;
      yield Buffer.from(n.value);
    }
  }
  const raw = Readable.from(all());
  if (!base64) return { stream: raw, base64 };
  // pipeline (not pipe) so a network error on the body reaches whoever reads the decoded stream.
  const decoded = pipeline(raw, new Base64Decoder(), () => undefined);
  return { stream: decoded, base64 };
}

export type ResultsRow = Record<string, string>;

/** Rows of the results CSV keyed by header name (unknown columns kept). */
export function parseResultsRows(csv: Readable): AsyncIterable<ResultsRow> {
  return csv.pipe(parse({ columns: true, skip_empty_lines: true, trim: true, bom: true }));
}
