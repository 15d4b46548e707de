// The knowledge base's activities on both stores, with the OpenAI emulator for embeddings: a first
// ingest embeds every distinct text once; a second with two documents edited embeds only the new
// texts, copies the rest forward, deletes what the edits dropped, and leaves production alone; an
// attempt that failed half-way is resumed without embedding again what the cache has and without
// a duplicate row; the retrieval gate's A/B on a golden set; production moved as planned, and back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeBaseActivities, kbDeps } from '../../src/activities/knowledgeBase/index.js';
import { readChunks } from '../../src/activities/knowledgeBase/corpus.js';
import { runDir } from '../../src/activities/knowledgeBase/deps.js';
import { openAIProvider } from '../../src/providers/openai/index.js';
import {
  startOpenAIEmulator,
  type RunningOpenAIEmulator,
} from '../../src/emulators/openai/index.js';
import {
  openAICompatibleEmbeddings,
  type EmbeddingsClient,
} from '../../src/providers/embeddings/index.js';
import type { CorpusSummary, EmbeddingSpec } from '../../src/shared/knowledgeBaseTypes.js';
import { resolveChunkStrategy } from '../../src/workflows/kb/rules.js';
import {
  editDocuments,
  generateCorpus,
  goldenLines,
  type GeneratedCorpus,
} from '../support/kbCorpus.js';
import { mockActivityEnvironment } from '../support/sdkLogs.js';
import { STORE_KINDS, storeFixture, type StoreFixture } from './support/fixtures.js';

const MODEL = 'text-embedding-3-small';
const chunking = { size: 400, overlap: 60 };

let emulator: RunningOpenAIEmulator;
beforeAll(async () => {
  emulator = await startOpenAIEmulator({ apiKey: 'sk-kb' });
});
afterAll(() => emulator?.close());

const embedded = () => emulator.stats().embeddingInputs[MODEL] ?? 0;
const run = <R>(fn: () => Promise<R>): Promise<R> =>
  mockActivityEnvironment().run<[], R, () => Promise<R>>(fn);

/** Fails every call after the first `ok` ones, as a host going down mid-ingest would. */
function failingAfter(inner: EmbeddingsClient, ok: number): EmbeddingsClient {
  let calls = 0;
  return {
    ...inner,
    embed: (req, signal) => {
      if (++calls > ok) {
        return Promise.reject(
          new OpenAI.APIConnectionError({ message: 'embeddings host went away' }),
        );
      }
      return inner.embed(req, signal);
    },
  };
}

async function hashesOf(dir: string): Promise<Set<string>> {
  const hashes = new Set<string>();
  for await (const c of readChunks(dir)) hashes.add(c.hash);
  return hashes;
}

describe.each(STORE_KINDS)('knowledge-base activities on %s', (kind) => {
  let f: StoreFixture;
  let work: string;
  let corpus: GeneratedCorpus;
  let embeddings: EmbeddingsClient;
  const kb = `kb_${kind}`;
  beforeAll(async () => {
    f = await storeFixture(kind);
    work = mkdtempSync(join(tmpdir(), 'kb-acts-'));
    corpus = generateCorpus(join(work, 'docs'), { documents: 20, paragraphs: 3 });
    writeFileSync(join(work, 'golden.jsonl'), goldenLines(corpus, 12));
    embeddings = openAICompatibleEmbeddings({
      client: new OpenAI({ apiKey: 'sk-kb', baseURL: emulator.baseURL, maxRetries: 0 }),
      provider: 'openai',
    });
  });
  afterAll(async () => {
    await f?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const activities = (client: EmbeddingsClient, batchInputs = 16) =>
    createKnowledgeBaseActivities(
      kbDeps(
        { dir: join(work, 'kbdir'), store: f.location, embedConcurrency: 1, batchInputs },
        client,
        { wandb: undefined, provider: openAIProvider({ client: new OpenAI({ apiKey: 'x' }) }) },
      ),
    );

  const runOf = (id: string) =>
    runDir(
      kbDeps({ dir: join(work, 'kbdir') }, embeddings, {
        wandb: undefined,
        provider: openAIProvider({ client: new OpenAI({ apiKey: 'x' }) }),
      }),
      kb,
      id,
    );
  let spec: EmbeddingSpec;
  let first: CorpusSummary;
  let production: string;
  let secondVersion: string;

  const ingest = async (candidateId: string, base: string | null, client = embeddings) => {
    const a = activities(client);
    const summary = await run(() =>
      a.readCorpus({ kb, candidateId, sources: [corpus.dir], chunking }),
    );
    const input = {
      kb,
      store: f.location,
      candidateId,
      base,
      production: base,
      embedding: spec,
      corpus: { sources: [corpus.dir], ...summary },
    };
    return { summary, input, a };
  };

  it('a first ingest embeds each distinct text once and seals a version that passes the manifest check', async () => {
    const a = activities(embeddings);
    const before = embedded();
    const prepared = await run(() =>
      a.prepareKnowledgeBase({
        kb,
        store: f.location,
        embedding: { model: MODEL, dimensions: 64 },
      }),
    );
    expect(prepared).toMatchObject({
      production: null,
      base: null,
      embedding: { provider: 'openai', model: MODEL, dims: 64, dimensions: 64 },
    });
    expect(embedded() - before).toBe(1); // the pre-flight's one-input check
    spec = prepared.embedding;

    const { summary, input } = await ingest('run-1', null);
    first = summary;
    expect(summary.strategy).toEqual(resolveChunkStrategy(chunking));
    expect(summary.documents).toBe(20);
    const start = embedded();
    const { report, change } = await run(() => a.embedAndWrite(input));
    expect(embedded() - start).toBe(summary.distinctTexts);
    expect(report).toMatchObject({
      chunks: summary.chunks,
      keptFromBase: 0,
      reusedFromCache: summary.chunks - summary.distinctTexts,
      requested: summary.distinctTexts,
      written: summary.chunks,
      deleted: 0,
    });
    expect(report.tokens).toBeGreaterThan(0);
    expect(report.costUsd).toBeCloseTo((report.tokens * 0.02) / 1e6, 12);
    expect(change).toMatchObject({
      baseline: null,
      documents: { before: 0, after: 20, added: 20 },
    });

    const sealed = await run(() =>
      a.checkAndSeal({
        kb,
        store: f.location,
        candidateId: 'run-1',
        dims: 64,
        corpus: input.corpus,
      }),
    );
    expect(sealed.check).toMatchObject({
      ok: true,
      stored: summary.chunks,
      expected: summary.chunks,
    });
    production = sealed.versionId!;
    await f.store.promote({ kb, to: production, expected: null });
  });

  it('a second ingest with two documents edited embeds only their new texts and leaves production alone', async () => {
    const productionBefore = await f.serviceRead(kb);
    const edited = editDocuments(corpus, 0.1);
    expect(edited).toHaveLength(2);
    const { summary, input, a } = await ingest('run-2', production);
    const oldHashes = await hashesOf(runOf('run-1'));
    const newHashes = await hashesOf(runOf('run-2'));
    const fresh = [...newHashes].filter((h) => !oldHashes.has(h)).length;
    expect(fresh).toBeGreaterThan(0);
    expect(fresh).toBeLessThan(summary.distinctTexts / 4);

    const start = embedded();
    const { report, change } = await run(() => a.embedAndWrite(input));
    expect(embedded() - start).toBe(fresh);
    expect(report.requested).toBe(fresh);
    expect(report.keptFromBase).toBeGreaterThan(summary.chunks * 0.7);
    expect(report.keptFromBase + report.written).toBe(summary.chunks);
    expect(report.deleted).toBeGreaterThan(0); // the edited documents' old chunks
    expect(change.documents).toEqual({
      before: 20,
      after: 20,
      added: 0,
      removed: 0,
      changed: 2,
      unchanged: 18,
    });
    expect(change.examples.changed).toEqual(edited);

    const sealed = await run(() =>
      a.checkAndSeal({
        kb,
        store: f.location,
        candidateId: 'run-2',
        dims: 64,
        corpus: input.corpus,
      }),
    );
    expect(sealed.check.ok).toBe(true);
    secondVersion = sealed.versionId!;
    expect(await f.serviceRead(kb)).toEqual(productionBefore);
    expect(first.chunkSetDigest).not.toBe(summary.chunkSetDigest);

    const report2 = await run(() =>
      a.measureKbRetrieval({
        kb,
        store: f.location,
        candidate: sealed.versionId!,
        production,
        golden: { path: join(work, 'golden.jsonl') },
        embedding: spec,
        k: 5,
      }),
    );
    expect(report2.questions).toBe(12);
    expect(report2.candidate.recall).toBeGreaterThanOrEqual(0.75);
    expect(report2.production!.recall).toBeGreaterThanOrEqual(0.75);
    expect(Math.abs(report2.candidate.recall - report2.production!.recall)).toBeLessThanOrEqual(
      1 / 12 + 1e-9,
    );
    expect(report2.missingDocuments.count).toBe(0);
    expect(report2.queryEmbeddings).toEqual({ requested: 12, reused: 0 });
    // Measured again: the same numbers, and no question embedded twice.
    const again = await run(() =>
      a.measureKbRetrieval({
        kb,
        store: f.location,
        candidate: sealed.versionId!,
        production,
        golden: { path: join(work, 'golden.jsonl') },
        embedding: spec,
        k: 5,
      }),
    );
    expect({ ...again, queryEmbeddings: null }).toEqual({ ...report2, queryEmbeddings: null });
    expect(again.queryEmbeddings).toEqual({ requested: 0, reused: 12 });
  });

  it('an attempt that failed half-way is resumed: nothing the cache has is embedded again, no row twice', async () => {
    editDocuments(corpus, 0.3, 29);
    const { input, summary } = await ingest('run-3', production, failingAfter(embeddings, 2));
    const known = new Set([
      ...(await hashesOf(runOf('run-1'))),
      ...(await hashesOf(runOf('run-2'))),
    ]);
    const fresh = [...(await hashesOf(runOf('run-3')))].filter((h) => !known.has(h)).length;
    expect(fresh).toBeGreaterThan(8); // more than the two batches of 4 that get through

    const start = embedded();
    const broken = activities(failingAfter(embeddings, 2), 4);
    await expect(run(() => broken.embedAndWrite(input))).rejects.toThrow(
      /could not reach OpenAI \(embeddings host went away\)/,
    );
    const firstAttempt = embedded() - start;
    expect(firstAttempt).toBe(8);

    const { report } = await run(() => activities(embeddings, 4).embedAndWrite(input));
    expect(embedded() - start).toBe(fresh); // the 8 were cached: not embedded again
    expect(report.requested).toBe(fresh - 8); // this attempt's own (no heartbeat carried in the mock)
    const sealed = await run(() =>
      activities(embeddings).checkAndSeal({
        kb,
        store: f.location,
        candidateId: 'run-3',
        dims: 64,
        corpus: input.corpus,
      }),
    );
    expect(sealed.check).toMatchObject({
      ok: true,
      stored: summary.chunks,
      duplicates: { count: 0 },
      stale: { count: 0 },
    });
  });

  it('production moves as planned: promote (a retry moves nothing), roll back, and nowhere further back', async () => {
    const a = activities(embeddings);
    const plan = await run(() =>
      a.planKbMove({ kind: 'promote', kb, store: f.location, to: secondVersion }),
    );
    expect(plan).toMatchObject({ from: production, to: secondVersion, mode: 'promote' });
    expect(await run(() => a.moveKbPointer(plan))).toMatchObject({
      from: production,
      to: secondVersion,
      moved: true,
    });
    expect((await f.store.resolve(kb))?.versionId).toBe(secondVersion);
    // A crash-resumed move runs the same plan again: production already holds it.
    expect(await run(() => a.moveKbPointer(plan))).toMatchObject({ moved: false });

    const back = await run(() => a.planKbMove({ kind: 'rollback', kb, store: f.location }));
    expect(back).toMatchObject({ from: secondVersion, to: production, mode: 'rollback' });
    expect(await run(() => a.moveKbPointer(back))).toMatchObject({ to: production, moved: true });
    expect((await f.store.resolve(kb))?.versionId).toBe(production);
    await expect(
      run(() => a.planKbMove({ kind: 'rollback', kb, store: f.location })),
    ).rejects.toThrow(/replaced nothing/);
  });
});
