// npm run bench:stores — the knowledge base's two vector stores at a realistic size: writing a
// candidate in batches, sealing, promoting, a copy-forward candidate with a few changes, listing
// ids for the manifest check, and exact top-k search latency. LanceDB in a temporary folder,
// PostgreSQL the project's own (src/postgres), both on this machine's disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { numberIn } from '../src/cli/numberOption.js';
import { startPostgres } from '../src/postgres/server.js';
import {
  checkManifest,
  openVectorStore,
  type ChunkRecord,
  type VectorStore,
} from '../src/vectorStores/index.js';
import { formatMs, median, percentile } from './stats.js';

const args = new Command('bench:stores')
  .description('Write, seal, promote, copy forward, list and search both vector stores')
  .option('--chunks <n>', 'chunks in the index', numberIn(100, 1_000_000, true), 20_000)
  .option('--dims <n>', 'vector size', numberIn(2, 3072, true), 1536)
  .option('--batch <n>', 'chunks per upsert', numberIn(1, 10_000, true), 500)
  .option('--queries <n>', 'exact searches timed', numberIn(1, 10_000, true), 50)
  .option('--k <n>', 'nearest neighbours per search', numberIn(1, 1000, true), 10)
  .option(
    '--changed <share>',
    'share of chunks the copy-forward candidate replaces',
    parseFloat,
    0.05,
  )
  .addOption(
    new Option('--stores <list>', 'which stores').default('lancedb,postgres').argParser((v) => v),
  )
  .parse()
  .opts<{
    chunks: number;
    dims: number;
    batch: number;
    queries: number;
    k: number;
    changed: number;
    stores: string;
  }>();

/** mulberry32: the same vectors every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunkAt(i: number, prefix: string, random: () => number): ChunkRecord {
  return {
    chunkId: `${prefix}-${String(i).padStart(7, '0')}`,
    docId: `doc-${i % 500}`,
    contentHash: `h${i}`,
    text: `chunk ${i} of the benchmark corpus, about a paragraph long once real text is used here.`,
    start: 0,
    end: 80,
    vector: Float32Array.from({ length: args.dims }, () => random() * 2 - 1),
  };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await f();
  return [value, performance.now() - started];
}

interface Figures {
  store: string;
  write: string;
  seal: string;
  promote: string;
  copyForward: string;
  listIds: string;
  searchP50: string;
  searchP95: string;
}

async function run(kind: string, store: VectorStore): Promise<Figures> {
  const kb = 'bench';
  const random = seeded(1);
  const a = await store.openCandidate({ kb, candidateId: 'a', dims: args.dims });
  const [, writeMs] = await timed(async () => {
    for (let i = 0; i < args.chunks; i += args.batch) {
      const n = Math.min(args.batch, args.chunks - i);
      await a.upsert(Array.from({ length: n }, (_, j) => chunkAt(i + j, 'c', random)));
    }
  });
  const [va, sealMs] = await timed(() => a.seal());
  const [, promoteMs] = await timed(() => store.promote({ kb, to: va.versionId, expected: null }));

  // The next build: production copied forward, a share of chunks replaced by new ones.
  const changed = Math.round(args.chunks * args.changed);
  const [, forwardMs] = await timed(async () => {
    const b = await store.openCandidate({ kb, candidateId: 'b', dims: args.dims, base: va });
    const gone = Array.from({ length: changed }, (_, i) => `c-${String(i).padStart(7, '0')}`);
    await b.deleteIds(gone);
    for (let i = 0; i < changed; i += args.batch) {
      const n = Math.min(args.batch, changed - i);
      await b.upsert(Array.from({ length: n }, (_, j) => chunkAt(i + j, 'n', random)));
    }
    return b.seal();
  });

  const reader = await store.openVersion(va);
  const [ids, listMs] = await timed(() => reader.listIds());
  const check = checkManifest(ids, ids);
  if (!check.ok || ids.length !== args.chunks) throw new Error(`${kind}: ${ids.length} ids stored`);
  const latencies: number[] = [];
  for (let q = 0; q < args.queries; q++) {
    const vector = Float32Array.from({ length: args.dims }, () => random() * 2 - 1);
    const [hits, ms] = await timed(() => reader.search({ vector, k: args.k }));
    if (hits.length !== args.k) throw new Error(`${kind}: ${hits.length} hits`);
    latencies.push(ms);
  }
  const perSecond = Math.round(args.chunks / (writeMs / 1000));
  return {
    store: kind,
    write: `${formatMs(writeMs)} (${perSecond}/s)`,
    seal: formatMs(sealMs),
    promote: formatMs(promoteMs),
    copyForward: formatMs(forwardMs),
    listIds: formatMs(listMs),
    searchP50: formatMs(median(latencies)),
    searchP95: formatMs(percentile(latencies, 95)),
  };
}

async function main(): Promise<void> {
  const wanted = args.stores.split(',').map((s) => s.trim());
  const rows: Figures[] = [];
  if (wanted.includes('lancedb')) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-lancedb-'));
    const store = await openVectorStore(dir);
    try {
      rows.push(await run('lancedb', store));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (wanted.includes('postgres')) {
    const server = await startPostgres();
    const store = await openVectorStore(server.url);
    try {
      rows.push(await run('postgres', store));
    } finally {
      await store.close();
      await server.stop();
    }
  }
  process.stdout.write(
    `${args.chunks} chunks × ${args.dims} dims, batches of ${args.batch}; copy-forward replaces ${Math.round(args.changed * 100)} %; ${args.queries} exact top-${args.k} searches\n`,
  );
  console.table(rows);
}

await main();
