// A knowledge-base ingest whose worker is SIGKILLed mid-embedding (the emulator holds a batch it
// has received) and mid-write (the store's n-th candidate write stops half way), on the real dev
// server with LanceDB on disk. A new worker finishes each run; the sealed candidate matches the
// chunk manifest (every id once, nothing stale), no batch that finished before the kill is
// embedded again, and production does not move until a person approves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunks } from '../../src/activities/knowledgeBase/corpus.js';
import {
  decideKnowledgeBase,
  getKnowledgeBaseStatus,
  startKnowledgeBaseIngest,
} from '../../src/client/knowledgeBase.js';
import { hasWorkflowPollers } from '../../src/client/pollers.js';
import type { EmbeddingRequestRecord } from '../../src/emulators/openai/index.js';
import type { KbProgress, KnowledgeBaseInput } from '../../src/shared/knowledgeBaseTypes.js';
import { openVectorStore, type VectorStore } from '../../src/vectorStores/index.js';
import { editDocuments, generateCorpus, type GeneratedCorpus } from '../support/kbCorpus.js';
import { eventually, startHarness, type Harness } from '../integration/support/harness.js';
import {
  HELD_WRITE_MARK,
  spawnKbWorker,
  type WorkerProcess,
} from '../integration/support/workerProcess.js';

const KB = 'crashkb';
/** A killed worker's activity is retried after its heartbeat timeout (one minute). */
const AFTER_RESTART_MS = 150_000;

describe('a knowledge-base worker killed mid-embedding and mid-write', () => {
  let h: Harness;
  let work: string;
  let kbDir: string;
  let storeDir: string;
  let corpus: GeneratedCorpus;
  let store: VectorStore;
  let worker: WorkerProcess | undefined;
  let production: string;

  const input = (promotion: KnowledgeBaseInput['promotion']): KnowledgeBaseInput => ({
    kb: KB,
    sources: [corpus.dir],
    store: storeDir,
    chunking: { size: 400, overlap: 60 },
    embedding: { model: 'text-embedding-3-small', dimensions: 32 },
    gates: { retrieval: 'off' },
    promotion,
  });
  const startWorker = async (holdWrite?: number) => {
    worker = spawnKbWorker(h, kbDir, holdWrite ? { holdWrite } : {});
    await eventually('the worker to poll', () => hasWorkflowPollers(h.client, h.taskQueue), 60_000);
  };
  const replaceWorker = async () => {
    await worker?.kill();
    worker = spawnKbWorker(h, kbDir);
  };
  const awaitApproval = (workflowId: string): Promise<KbProgress> =>
    eventually(
      'the ingest to await approval',
      async () => {
        const s = await getKnowledgeBaseStatus(h.client, workflowId);
        if (s.execution !== 'RUNNING') throw new Error(`ended: ${s.failure ?? s.execution}`);
        return s.progress?.stage === 'awaiting_approval' ? s.progress : undefined;
      },
      AFTER_RESTART_MS,
    );
  /** The sealed candidate against the run's manifest (its chunk shards in the worker's run folder). */
  const expectMatchesManifest = async (progress: KbProgress) => {
    const manifest: string[] = [];
    for await (const c of readChunks(join(kbDir, 'runs', KB, progress.candidateId)))
      manifest.push(c.id);
    const version = await store.openVersion({ kb: KB, versionId: progress.index!.versionId });
    const stored = await version.listIds();
    expect(new Set(manifest).size).toBe(manifest.length);
    expect(stored.length).toBe(manifest.length); // no duplicate rows
    expect([...stored].sort()).toEqual([...manifest].sort()); // none missing, none stale
    expect(await version.count()).toBe(manifest.length);
  };
  /** Each input digest's count over these requests. */
  const counts = (records: EmbeddingRequestRecord[]) => {
    const n = new Map<string, number>();
    for (const r of records) for (const d of r.digests) n.set(d, (n.get(d) ?? 0) + 1);
    return n;
  };
  const productionNow = async () => (await store.production(KB))?.versionId ?? null;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kb-crash-'));
    kbDir = join(work, 'kbdir');
    storeDir = join(work, 'lancedb');
    corpus = generateCorpus(join(work, 'docs'), { documents: 40, paragraphs: 3 });
    h = await startHarness({}, false);
    store = await openVectorStore(storeDir);
    await startWorker();
    // Production: a first version, approved automatically.
    const first = await startKnowledgeBaseIngest(
      h.client,
      input({ autoApprove: { by: 'crash-test' } }),
      { taskQueue: h.taskQueue },
    );
    const result = await first.handle.result();
    expect(result.stage).toBe('promoted');
    production = result.index.versionId;
  }, 180_000);
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A run killed at `killAt`, finished by a new worker, approved; returns its requests and progress. */
  const killedRun = async (killAt: () => Promise<void>) => {
    const from = h.openai.embeddingRequests().length;
    const productionIds = (
      await (await store.openVersion({ kb: KB, versionId: production })).listIds()
    ).sort();
    const started = await startKnowledgeBaseIngest(h.client, input({}), { taskQueue: h.taskQueue });
    await killAt();
    expect(await productionNow()).toBe(production);
    await replaceWorker();
    const progress = await awaitApproval(started.workflowId);
    await expectMatchesManifest(progress);
    // Production untouched until the approval: same version, same chunks.
    expect(await productionNow()).toBe(production);
    const stillThere = await store.openVersion({ kb: KB, versionId: production });
    expect((await stillThere.listIds()).sort()).toEqual(productionIds);

    await decideKnowledgeBase(
      h.client,
      started.workflowId,
      'approve',
      { by: 'alice' },
      {
        taskQueue: h.taskQueue,
      },
    );
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    expect(await productionNow()).toBe(result.index.versionId);
    production = result.index.versionId;
    return { requests: h.openai.embeddingRequests().slice(from), progress };
  };

  it('killed with an embeddings batch in flight: only that batch is embedded again', async () => {
    editDocuments(corpus, 0.5, 21);
    // Requests from now: the pre-flight's one-input check, two batches, then the held third.
    const hold = h.openai.holdEmbeddings(4);
    const { requests, progress } = await killedRun(async () => {
      await eventually('a held embeddings batch', () => hold.request(), 60_000);
    });
    const held = hold.request()!;
    const before = requests.filter((r) => r.seq < held.seq);
    const after = requests.filter((r) => r.seq > held.seq);
    expect(before.map((r) => r.digests.length)).toEqual([1, 4, 4]);
    expect(held.digests).toHaveLength(4);
    expect(after.length).toBeGreaterThan(0);

    // Nothing a finished batch embedded is asked for again after the restart.
    const finished = new Set(before.slice(1).flatMap((r) => r.digests));
    expect(after.flatMap((r) => r.digests).filter((d) => finished.has(d))).toEqual([]);
    // Each text once over the whole run, except the held batch's (twice at most: it was in flight).
    const heldSet = new Set(held.digests);
    for (const [digest, n] of counts(requests))
      expect(n).toBeLessThanOrEqual(heldSet.has(digest) ? 2 : 1);
    // So the inputs sent after the restart are at most what was left plus the batch in flight.
    const needed = counts(requests.slice(1)).size; // every distinct text; [0] is the pre-flight's
    const afterInputs = after.reduce((n, r) => n + r.digests.length, 0);
    expect(afterInputs).toBeLessThanOrEqual(needed - finished.size);
    expect(afterInputs).toBeGreaterThanOrEqual(held.digests.length);
    expect(progress.embed?.chunks).toBe(progress.corpus?.chunks);
  }, 300_000);

  it('killed half way through a candidate write: nothing is embedded twice', async () => {
    editDocuments(corpus, 0.5, 33);
    await worker?.kill();
    // The third write of this run stops after half its rows (kbWorker.ts): its vectors are in the
    // embedding cache already, so the new worker writes the rest from there.
    await startWorker(3);
    const holder = worker!;
    const { requests } = await killedRun(async () => {
      await eventually(
        'a write held half way',
        () => (holder.stderr().includes(HELD_WRITE_MARK) ? true : undefined),
        60_000,
      );
    });
    expect(holder.stderr()).toMatch(new RegExp(`${HELD_WRITE_MARK} 3: \\d+ of \\d+ rows`));
    const batches = requests.filter((r) => r.digests.length > 1);
    expect(batches.length).toBeGreaterThan(3);
    for (const [, n] of counts(batches)) expect(n).toBe(1);
  }, 300_000);
});
