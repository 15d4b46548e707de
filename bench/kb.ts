// npm run bench:kb — the knowledge-base pipeline against LangChain.js's indexing API, in one run,
// on one generated corpus and one OpenAI emulator: a full build from nothing, then a re-ingest with
// a share of the documents edited. Per phase: embedding requests and inputs (counted by the
// emulator), wall time, chunks per second, and this process's peak RSS.
//
// Ours: the real workflow (knowledgeBasePipeline) on a Temporal dev server, its worker in this
// process, LanceDB in a temporary folder, W&B and the golden set off (LangChain versions nothing),
// auto-approved. LangChain.js: `index()` from @langchain/core/indexing with incremental clean-up
// (sourceIdKey = the document id), OpenAIEmbeddings from @langchain/openai against the same
// emulator, the same batch size, and the same chunks (our chunker's output, so only the indexing
// differs). Its record manager and vector store are small in-memory ones written here (core ships
// the interfaces, not in-memory implementations): no disk at all, which favours LangChain.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import {
  index,
  RecordManager,
  type ListKeyOptions,
  type UpdateOptions,
} from '@langchain/core/indexing';
import { VectorStore } from '@langchain/core/vectorstores';
import { OpenAIEmbeddings } from '@langchain/openai';
import { chunkDocument, normaliseText } from '../src/activities/knowledgeBase/chunking.js';
import { numberIn } from '../src/cli/numberOption.js';
import { startKnowledgeBaseIngest } from '../src/client/knowledgeBase.js';
import { buildLocalStack } from '../src/localStack/index.js';
import { setDefaultLogLevel } from '../src/logging.js';
import type { ChunkStrategy } from '../src/shared/knowledgeBaseTypes.js';
import { resolveChunkStrategy } from '../src/workflows/kb/rules.js';
import { editDocuments, generateCorpus, type GeneratedCorpus } from '../test/support/kbCorpus.js';

const args = new Command('bench:kb')
  .description('The knowledge-base pipeline and LangChain.js index(): full build, then 1 % changed')
  .option('--documents <n>', 'generated documents', numberIn(10, 100_000, true), 2000)
  .option(
    '--changed <share>',
    'share of documents edited before the re-ingest',
    numberIn(0, 1),
    0.01,
  )
  .option(
    '--chunk-size <chars>',
    'chunk size (500: about 11 chunks a document)',
    numberIn(100, 8000, true),
    500,
  )
  .option(
    '--dims <n>',
    'embedding dimensions (text-embedding-3-small)',
    numberIn(8, 1536, true),
    256,
  )
  .option('--batch <n>', 'inputs per embedding request, both sides', numberIn(1, 2048, true), 512)
  .parse()
  .opts<{ documents: number; changed: number; chunkSize: number; dims: number; batch: number }>();

const MODEL = 'text-embedding-3-small';

/** The in-memory record manager LangChain's docs use in Python (keys, group ids, update times). */
class MemoryRecordManager extends RecordManager {
  override lc_namespace = ['bench', 'memory'];
  private records = new Map<string, { updatedAt: number; groupId: string | null }>();
  private last = 0;
  createSchema(): Promise<void> {
    return Promise.resolve();
  }
  getTime(): Promise<number> {
    // Strictly increasing, so `before: start` never catches a key updated in the same millisecond.
    this.last = Math.max(this.last + 1, Date.now());
    return Promise.resolve(this.last);
  }
  async update(keys: string[], o: UpdateOptions = {}): Promise<void> {
    const at = Math.max(await this.getTime(), o.timeAtLeast ?? 0);
    keys.forEach((k, i) =>
      this.records.set(k, { updatedAt: at, groupId: o.groupIds?.[i] ?? null }),
    );
  }
  exists(keys: string[]): Promise<boolean[]> {
    return Promise.resolve(keys.map((k) => this.records.has(k)));
  }
  listKeys(o: ListKeyOptions = {}): Promise<string[]> {
    const keys = [...this.records].filter(
      ([, r]) =>
        (o.before === undefined || r.updatedAt < o.before) &&
        (o.after === undefined || r.updatedAt > o.after) &&
        (!o.groupIds || o.groupIds.includes(r.groupId)),
    );
    return Promise.resolve(keys.slice(0, o.limit ?? keys.length).map(([k]) => k));
  }
  deleteKeys(keys: string[]): Promise<void> {
    for (const k of keys) this.records.delete(k);
    return Promise.resolve();
  }
}

/** A vector store that keeps vectors and documents by id, in memory. */
class MemoryStore extends VectorStore {
  declare FilterType: never;
  readonly rows = new Map<string, { vector: number[]; doc: DocumentInterface }>();
  constructor(embeddings: EmbeddingsInterface) {
    super(embeddings, {});
  }
  _vectorstoreType(): string {
    return 'bench-memory';
  }
  addVectors(
    vectors: number[][],
    docs: DocumentInterface[],
    o?: { ids?: string[] },
  ): Promise<string[]> {
    const ids = o?.ids ?? docs.map((_, i) => String(this.rows.size + i));
    ids.forEach((id, i) => this.rows.set(id, { vector: vectors[i]!, doc: docs[i]! }));
    return Promise.resolve(ids);
  }
  async addDocuments(docs: DocumentInterface[], o?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(docs.map((d) => d.pageContent));
    return this.addVectors(vectors, docs, o);
  }
  override delete(o: { ids: string[] }): Promise<void> {
    for (const id of o.ids) this.rows.delete(id);
    return Promise.resolve();
  }
  similaritySearchVectorWithScore(
    query: number[],
    k: number,
  ): Promise<[DocumentInterface, number][]> {
    const dot = (a: number[]) => a.reduce((s, v, i) => s + v * query[i]!, 0);
    const scored = [...this.rows.values()].map(
      (r) => [r.doc, dot(r.vector)] as [DocumentInterface, number],
    );
    return Promise.resolve(scored.sort((a, b) => b[1] - a[1]).slice(0, k));
  }
}

/** The corpus as LangChain documents: our chunker's chunks, each with its document id as source. */
function chunksOf(corpus: GeneratedCorpus, strategy: ChunkStrategy): Document[] {
  return corpus.ids.flatMap((id) =>
    chunkDocument(id, normaliseText(readFileSync(join(corpus.dir, id), 'utf8')), strategy).map(
      (c) => new Document({ pageContent: c.text, metadata: { source: id } }),
    ),
  );
}

interface Phase {
  side: string;
  phase: string;
  requests: number;
  inputs: number;
  seconds: number;
  chunks: number;
  peakRssMb: number;
  note: string;
}

/** Runs `fn`, sampling this process's RSS every 50 ms. */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  try {
    const value = await fn();
    return {
      value,
      seconds: (performance.now() - started) / 1000,
      peakRssMb: Math.round(peak / 2 ** 20),
    };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  setDefaultLogLevel('error');
  const work = mkdtempSync(join(tmpdir(), 'bench-kb-'));
  const strategy = resolveChunkStrategy({
    size: args.chunkSize,
    overlap: Math.floor(args.chunkSize * 0.15),
  });
  const corpus = generateCorpus(join(work, 'docs'), { documents: args.documents });
  const stack = await buildLocalStack({
    sdkLogs: 'silent',
    temporal: { start: { startTimeoutMs: 90_000 } },
    openai: { apiKey: 'sk-bench' },
    worker: {
      taskQueue: 'bench-kb',
      knowledgeBase: { dir: join(work, 'kbdir'), batchInputs: args.batch },
    },
  });
  const openai = stack.openai!;
  const counted = () => ({
    requests: openai.stats().requests['POST /v1/embeddings'] ?? 0,
    inputs: openai.stats().embeddingInputs[MODEL] ?? 0,
  });
  const rows: Phase[] = [];
  const recordManager = new MemoryRecordManager();
  const store = new MemoryStore(
    new OpenAIEmbeddings({
      model: MODEL,
      dimensions: args.dims,
      batchSize: args.batch,
      apiKey: 'sk-bench',
      configuration: { baseURL: openai.baseURL },
    }),
  );
  try {
    const langchain = async (phase: string) => {
      const before = counted();
      const { value, seconds, peakRssMb } = await measured(() =>
        index({
          docsSource: chunksOf(corpus, strategy),
          recordManager,
          vectorStore: store,
          options: { cleanup: 'incremental', sourceIdKey: 'source', batchSize: args.batch },
        }),
      );
      const after = counted();
      const chunks = value.numAdded + value.numSkipped + value.numUpdated;
      rows.push({
        side: 'LangChain.js index()',
        phase,
        requests: after.requests - before.requests,
        inputs: after.inputs - before.inputs,
        seconds,
        chunks,
        peakRssMb,
        note: `added ${value.numAdded}, skipped ${value.numSkipped}, deleted ${value.numDeleted}; store holds ${store.rows.size}`,
      });
    };
    const ours = async (phase: string) => {
      const before = counted();
      const { value, seconds, peakRssMb } = await measured(async () => {
        const started = await startKnowledgeBaseIngest(
          stack.client,
          {
            kb: 'bench',
            sources: [corpus.dir],
            chunking: { size: strategy.size, overlap: strategy.overlap },
            embedding: { model: MODEL, dimensions: args.dims },
            golden: false,
            wandb: false,
            promotion: { autoApprove: { by: 'bench' } },
          },
          { taskQueue: 'bench-kb' },
        );
        return started.handle.result();
      });
      const after = counted();
      const e = value.embed;
      rows.push({
        side: 'knowledgeBasePipeline',
        phase,
        requests: after.requests - before.requests,
        inputs: after.inputs - before.inputs,
        seconds,
        chunks: value.corpus.chunks,
        peakRssMb,
        note: `embedded ${e.requested}, kept ${e.keptFromBase}, cached ${e.reusedFromCache}, deleted ${e.deleted}; ${value.stage}, check ${value.index.check.ok ? 'ok' : 'FAILED'} (${value.index.check.stored} stored)`,
      });
    };
    await ours('full');
    await langchain('full');
    const edited = editDocuments(corpus, args.changed);
    await ours(`${edited.length} docs edited`);
    await langchain(`${edited.length} docs edited`);
  } finally {
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
  print(rows);
}

function print(rows: Phase[]): void {
  const header =
    '| side | phase | embedding requests | inputs embedded | wall time | chunks/s | peak RSS |';
  console.log(
    `\nbench:kb — ${args.documents} documents, ${rows[0]?.chunks ?? '?'} chunks (${args.chunkSize} chars), ` +
      `${args.dims} dims, batches of ${args.batch}, ${Math.round(args.changed * 100)} % edited\n`,
  );
  console.log(header);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.side} | ${r.phase} | ${r.requests} | ${r.inputs} | ${r.seconds.toFixed(1)} s | ${Math.round(r.chunks / r.seconds)} | ${r.peakRssMb} MB |`,
    );
  }
  console.log('');
  for (const r of rows) console.log(`${r.side}, ${r.phase}: ${r.note}`);
  const [oursFull, , oursIncr] = rows;
  if (oursFull && oursIncr) {
    console.log(
      `\nincremental / full embedding inputs (ours): ${((100 * oursIncr.inputs) / oursFull.inputs).toFixed(2)} % (goal ≤ 2 %)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
