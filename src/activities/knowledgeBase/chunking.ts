import { createHash } from 'node:crypto';
import type { ChunkStrategy } from '../../shared/knowledgeBaseTypes.js';

// The `recursive` chunker, version 1: cut a document's text into chunks of at most `size`
// characters, each ending at the best boundary available (a blank line, a line end, a sentence
// end, a clause, a space; a hard cut only in one unbroken run), and let the next chunk begin
// `overlap` characters before that end, at a word's start. Written here, not taken from a
// library: chunk ids depend on exactly where cuts fall, so the splitter's behaviour is pinned to
// the strategy's version and changes only with it (a splitter upgraded under us would re-id every
// chunk and strand the old ones).

export interface Span {
  /** `[start, end)` in the document's normalised text. */
  start: number;
  end: number;
}

/** Cut positions, best first. A chunk ends after the separator's first character (the period). */
const SEPARATORS = ['\n\n', '\n', '. ', '! ', '? ', '; ', ': ', ', ', ' '];

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** The best end for a chunk starting at `start` that may reach `limit`; never in its first half. */
function breakBefore(text: string, start: number, limit: number): number {
  const earliest = start + Math.floor((limit - start) / 2);
  for (const sep of SEPARATORS) {
    const at = text.lastIndexOf(sep, limit - sep.length);
    if (at >= earliest) return at + 1;
  }
  // One unbroken run longer than a chunk: cut at the limit, but never inside a surrogate pair.
  return isLowSurrogate(text.charCodeAt(limit)) ? limit - 1 : limit;
}

/** The start of the first word at or after `from` (and before `end`), for the overlap. */
function wordStart(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && i > 0 && !isSpace(text.charCodeAt(i - 1))) i++;
  return i;
}

/** The chunks' spans; whitespace-only stretches make none. Pure and deterministic. */
export function splitSpans(text: string, size: number, overlap: number): Span[] {
  const spans: Span[] = [];
  let start = skipSpace(text, 0);
  while (start < text.length) {
    const end = text.length - start > size ? breakBefore(text, start, start + size) : text.length;
    const last = trimEnd(text, start, end);
    if (last > start) spans.push({ start, end: last });
    if (end >= text.length) break;
    // The break is past the chunk's first half and overlap ≤ size/2: the next start moves on.
    const next = overlap > 0 ? wordStart(text, Math.max(end - overlap, start + 1), end) : end;
    start = skipSpace(text, next);
  }
  return spans;
}

export interface Chunk {
  /** `<document id>#<chunk digest>`: content-derived, stable across runs. */
  id: string;
  doc: string;
  /** sha256 of the chunk's text (hex): what the embedding cache is keyed by. */
  hash: string;
  start: number;
  end: number;
  text: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * A chunk's id: the document id and a digest of the strategy, the span and the text. The same
 * text at the same place keeps its id from run to run (nothing to write); an edit gives the
 * chunks it moves new ids (rewritten with their cached vectors) and the edited chunk a new text
 * (embedded). A text repeated within a document gets one id per place.
 */
export function chunkId(docId: string, strategy: ChunkStrategy, span: Span, text: string): string {
  const digest = sha256(`${strategy.id}\n${span.start}\n${span.end}\n${text}`).slice(0, 16);
  return `${docId}#${digest}`;
}

/** The document id in a chunk id (document ids may contain `#`; the digest never does). */
export function docIdOf(chunkId: string): string {
  const at = chunkId.lastIndexOf('#');
  return at < 0 ? chunkId : chunkId.slice(0, at);
}

export function chunkDocument(docId: string, text: string, strategy: ChunkStrategy): Chunk[] {
  return splitSpans(text, strategy.size, strategy.overlap).map((span) => {
    const body = text.slice(span.start, span.end);
    return {
      id: chunkId(docId, strategy, span, body),
      doc: docId,
      hash: sha256(body),
      start: span.start,
      end: span.end,
      text: body,
    };
  });
}

/** One normal form for every reader's text: NFC, `\n` line ends, no byte-order mark. */
export function normaliseText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC');
}
