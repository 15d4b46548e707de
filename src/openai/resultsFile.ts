import { Readable, Transform, type TransformCallback } from 'node:stream';
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

/**
 * The results file has come back both as plain CSV and base64-encoded CSV. Its first column is
 * `step`; the base64 form of "step," starts "c3RlcC", which is how the two are told apart.
 */
export async function decodedResults(
  body: WebReadableStream<Uint8Array> | Readable,
): Promise<{ stream: Readable; base64: boolean }> {
  const source = body instanceof Readable ? body : Readable.fromWeb(body);
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  const base64 = /^\s*c3RlcC/.test(head.subarray(0, 16).toString('latin1'));
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (;;) {
      const n = await iterator.next();
      if (n.done) return;
      yield Buffer.from(n.value);
    }
  }
  const raw = Readable.from(rest());
  return { stream: base64 ? raw.pipe(new Base64Decoder()) : raw, base64 };
}

export type ResultsRow = Record<string, string>;

/** Rows of the results CSV keyed by header name (unknown columns kept). */
export function parseResultsRows(csv: Readable): AsyncIterable<ResultsRow> {
  return csv.pipe(parse({ columns: true, skip_empty_lines: true, trim: true, bom: true }));
}
