import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { MAX_LINE_BYTES } from './limits.js';

export interface RawLine {
  /** 1-based. */
  number: number;
  /** Undefined when the line is not UTF-8 or too long to hold. */
  text: string | undefined;
  problem?: 'invalid-utf8' | 'too-long';
  /** The first line started with a UTF-8 byte order mark (stripped from `text`). */
  hadBom?: boolean;
}

export interface LineReaderOptions {
  signal?: AbortSignal;
  onProgress?: (p: { bytesRead: number; lines: number }) => void;
  progressIntervalMs?: number;
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Throws the signal's reason (Temporal passes a CancelledFailure) or a plain AbortError. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error
    ? signal.reason
    : new DOMException('Dataset reading was aborted', 'AbortError');
}

/**
 * Reads a JSONL file line by line from a byte stream, hashing the raw bytes as they pass.
 * Splits on bytes rather than via readline so each line's UTF-8 validity can be checked
 * (readline would silently substitute U+FFFD). Memory holds one chunk plus one line.
 */
export class JsonlLineReader {
  bytesRead = 0;
  lines = 0;
  private readonly hash = createHash('sha256');
  private lastProgressAt = Date.now();

  constructor(
    private readonly path: string,
    private readonly opts: LineReaderOptions = {},
  ) {}

  /** sha256 hex of every byte read; complete once `read()` has finished. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  async *read(): AsyncGenerator<RawLine> {
    const maxLineBytes = this.opts.maxLineBytes ?? MAX_LINE_BYTES;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let tooLong = false;
    throwIfAborted(this.opts.signal);
    const stream = createReadStream(this.path, { highWaterMark: 1 << 20 });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.hash.update(chunk);
        this.bytesRead += chunk.length;
        let start = 0;
        for (;;) {
          const end = chunk.indexOf(NEWLINE, start);
          if (end < 0) break;
          const piece = chunk.subarray(start, end);
          start = end + 1;
          if (pendingBytes + piece.length > maxLineBytes) tooLong = true;
          const bytes = tooLong ? undefined : joinPieces(pending, piece, pendingBytes);
          yield this.emit(bytes);
          pending = [];
          pendingBytes = 0;
          tooLong = false;
        }
        const rest = chunk.subarray(start);
        if (rest.length > 0 && !tooLong) {
          if (pendingBytes + rest.length > maxLineBytes) {
            tooLong = true;
            pending = [];
            pendingBytes = 0;
          } else {
            // Copy: the stream may reuse the chunk's memory.
            pending.push(Buffer.from(rest));
            pendingBytes += rest.length;
          }
        }
      }
      if (pendingBytes > 0 || tooLong) {
        yield this.emit(tooLong ? undefined : Buffer.concat(pending, pendingBytes));
      }
    } finally {
      stream.destroy();
    }
  }

  private emit(bytes: Buffer | undefined): RawLine {
    this.lines++;
    throwIfAborted(this.opts.signal);
    this.reportProgress();
    const number = this.lines;
    if (bytes === undefined) return { number, text: undefined, problem: 'too-long' };
    let line = bytes;
    if (line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN) line = line.subarray(0, -1);
    if (!isUtf8(line)) return { number, text: undefined, problem: 'invalid-utf8' };
    let text = line.toString('utf8');
    const hadBom = number === 1 && text.charCodeAt(0) === 0xfeff;
    if (hadBom) text = text.slice(1);
    return hadBom ? { number, text, hadBom } : { number, text };
  }

  private reportProgress(): void {
    const onProgress = this.opts.onProgress;
    if (!onProgress) return;
    const now = Date.now();
    if (now - this.lastProgressAt < (this.opts.progressIntervalMs ?? 1000)) return;
    this.lastProgressAt = now;
    onProgress({ bytesRead: this.bytesRead, lines: this.lines });
  }
}

function joinPieces(pending: Buffer[], last: Buffer, pendingBytes: number): Buffer {
  if (pending.length === 0) return last;
  return Buffer.concat([...pending, last], pendingBytes + last.length);
}
