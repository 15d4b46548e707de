import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApplicationFailure } from '@temporalio/common';
import { findPii } from '../../dataset/pii.js';
import { ErrorType } from '../../shared/errorTypes.js';
import type {
  ChunkStrategy,
  CorpusSummary,
  KbPiiFindings,
} from '../../shared/knowledgeBaseTypes.js';
import { idSetDigest } from '../../vectorStores/manifest.js';
import { chunkDocument, type Chunk } from './chunking.js';
import { walkDocuments } from './documents.js';

// A run's corpus on the worker's disk: the documents and their chunks as sharded JSONL (256 shards
// by a hash of the document id, so an edit touches only its document's shards and identical
// content gives identical bytes), and `corpus.json` — the summary — written last, so its presence
// means the rest is whole. The same files become the `<kb>-documents` and `<kb>-chunks` versions
// in W&B. A worker that finds a run's folder missing (another worker's disk, a cleaned temp)
// rebuilds it from the sources and checks the digests against what the workflow recorded.

const SUMMARY = 'corpus.json';
/** Buffered lines per shard before they are appended to its file. */
const FLUSH_BYTES = 256 * 1024;
const PII_EXAMPLES = 20;

export interface CorpusParams {
  sources: string[];
  strategy: ChunkStrategy;
}

interface StoredSummary {
  params: CorpusParams;
  summary: CorpusSummary;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The shard of a document: the first byte of a hash of its id, as two hex digits. */
export const shardOf = (docId: string): string => sha256(docId).slice(0, 2);

/** One line per record, keys in a fixed order, so the same content is the same bytes. */
const documentLine = (d: {
  id: string;
  source: string;
  format: string;
  title?: string;
  hash: string;
  text: string;
}) =>
  `${JSON.stringify({ id: d.id, source: d.source, format: d.format, title: d.title ?? null, hash: d.hash, chars: d.text.length, text: d.text })}\n`;
const chunkLine = (c: Chunk) =>
  `${JSON.stringify({ id: c.id, doc: c.doc, hash: c.hash, start: c.start, end: c.end, text: c.text })}\n`;

/** Lines appended per shard file in order, buffered. */
class ShardWriter {
  private readonly buffers = new Map<string, string[]>();
  private readonly sizes = new Map<string, number>();
  constructor(private readonly dir: string) {}

  async add(shard: string, line: string): Promise<void> {
    const lines = this.buffers.get(shard) ?? [];
    lines.push(line);
    this.buffers.set(shard, lines);
    const size = (this.sizes.get(shard) ?? 0) + line.length;
    this.sizes.set(shard, size);
    if (size >= FLUSH_BYTES) await this.flushOne(shard);
  }

  private async flushOne(shard: string): Promise<void> {
    const lines = this.buffers.get(shard);
    if (!lines?.length) return;
    await appendFile(join(this.dir, `${shard}.jsonl`), lines.join(''));
    this.buffers.set(shard, []);
    this.sizes.set(shard, 0);
  }

  async flush(): Promise<void> {
    for (const shard of [...this.buffers.keys()].sort()) await this.flushOne(shard);
  }
}

function piiCounter() {
  const found: KbPiiFindings = { emails: 0, phones: 0, cardNumbers: 0, documents: 0, examples: [] };
  return {
    scan(docId: string, text: string) {
      const f = findPii(text);
      if (f.emails + f.phones + f.cardNumbers === 0) return;
      found.emails += f.emails;
      found.phones += f.phones;
      found.cardNumbers += f.cardNumbers;
      found.documents++;
      if (found.examples.length < PII_EXAMPLES) found.examples.push(docId);
    },
    result: () => found,
  };
}

/**
 * Reads the sources, cuts every document into chunks and writes both to `dir` (replacing what was
 * there). Documents stream through: memory holds the ids and digests, not the texts.
 */
export async function writeCorpus(
  dir: string,
  params: CorpusParams,
  onDocument?: (n: number) => void,
): Promise<CorpusSummary> {
  await rm(dir, { recursive: true, force: true });
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(partial, 'documents'), { recursive: true });
  await mkdir(join(partial, 'chunks'), { recursive: true });
  const docs = new ShardWriter(join(partial, 'documents'));
  const chunks = new ShardWriter(join(partial, 'chunks'));
  const walk = walkDocuments(params.sources);
  const pii = piiCounter();
  const docDigests: string[] = [];
  const chunkIds: string[] = [];
  const texts = new Set<string>();
  const formats: Record<string, number> = {};
  let characters = 0;
  for await (const doc of walk.documents) {
    const hash = sha256(doc.text);
    const shard = shardOf(doc.id);
    await docs.add(shard, documentLine({ ...doc, hash }));
    for (const c of chunkDocument(doc.id, doc.text, params.strategy)) {
      await chunks.add(shard, chunkLine(c));
      chunkIds.push(c.id);
      texts.add(c.hash);
    }
    pii.scan(doc.id, doc.text);
    docDigests.push(`${doc.id}\t${hash}`);
    formats[doc.format] = (formats[doc.format] ?? 0) + 1;
    characters += doc.text.length;
    onDocument?.(docDigests.length);
  }
  await docs.flush();
  await chunks.flush();
  if (docDigests.length === 0) {
    throw ApplicationFailure.nonRetryable(
      `No documents in ${params.sources.join(', ')}: give folders or files of Markdown (.md), text (.txt), HTML (.html) or JSONL (.jsonl).${walk.skippedCount() ? ` ${walk.skippedCount()} file(s) were skipped: ${walk.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}` : ''}`,
      ErrorType.KbInvalidInput,
    );
  }
  const summary: CorpusSummary = {
    documents: docDigests.length,
    characters,
    formats,
    chunks: chunkIds.length,
    distinctTexts: texts.size,
    strategy: params.strategy,
    documentsDigest: sha256(docDigests.sort().join('\n')),
    chunkSetDigest: idSetDigest(chunkIds),
    pii: pii.result(),
    skipped: walk.skipped,
  };
  const stored: StoredSummary = { params, summary };
  await writeFile(join(partial, SUMMARY), JSON.stringify(stored));
  await rename(partial, dir);
  return summary;
}

/** The summary of a whole corpus in `dir` made with these params, or undefined. */
export async function readCorpusSummary(
  dir: string,
  params: CorpusParams,
): Promise<CorpusSummary | undefined> {
  const file = join(dir, SUMMARY);
  if (!existsSync(file)) return undefined;
  const stored = JSON.parse(await readFile(file, 'utf8')) as StoredSummary;
  return JSON.stringify(stored.params) === JSON.stringify(params) ? stored.summary : undefined;
}

/** What the workflow recorded of the corpus: a rebuilt folder must match it. */
export interface CorpusExpectation {
  documentsDigest: string;
  chunkSetDigest: string;
}

/**
 * The run's corpus folder, whole: as it is when it matches, else rebuilt from the sources. A
 * rebuild that gives other digests means the sources changed during the ingest: the run cannot
 * go on (its manifest no longer describes them).
 */
export async function ensureCorpus(
  dir: string,
  params: CorpusParams,
  expected: CorpusExpectation,
): Promise<CorpusSummary> {
  const summary = (await readCorpusSummary(dir, params)) ?? (await writeCorpus(dir, params));
  if (
    summary.documentsDigest !== expected.documentsDigest ||
    summary.chunkSetDigest !== expected.chunkSetDigest
  ) {
    throw ApplicationFailure.nonRetryable(
      `The documents under ${params.sources.join(', ')} changed while this ingest ran (its corpus was read again on this worker and differs). Start a new ingest.`,
      ErrorType.KbSourcesChanged,
    );
  }
  return summary;
}

async function* shardLines(dir: string): AsyncIterable<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  for (const f of files) {
    const lines = createInterface({ input: createReadStream(join(dir, f)), crlfDelay: Infinity });
    for await (const line of lines) if (line) yield line;
  }
}

/** Every chunk of the corpus, shard by shard. */
export async function* readChunks(dir: string): AsyncIterable<Chunk> {
  for await (const line of shardLines(join(dir, 'chunks'))) yield JSON.parse(line) as Chunk;
}

/** The shard files of documents and chunks, for the W&B artifacts. */
export async function shardFiles(dir: string): Promise<{ documents: string[]; chunks: string[] }> {
  const list = async (sub: string) =>
    (await readdir(join(dir, sub)))
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => join(dir, sub, f));
  return { documents: await list('documents'), chunks: await list('chunks') };
}
