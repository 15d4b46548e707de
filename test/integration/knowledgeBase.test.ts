// The knowledge-base pipeline end to end on the real dev server, with LanceDB in a folder, the
// OpenAI emulator's /v1/embeddings and the W&B emulator: ingest → gates → a person approves →
// production moves (store and W&B) → query → a second ingest with two documents edited embeds only
// their new texts and shows the A/B → approve → rollback to the first version.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decideKnowledgeBase,
  getKnowledgeBaseStatus,
  knowledgeBaseLineage,
  queryKnowledgeBase,
  resolveKnowledgeBase,
  rollBackKnowledgeBase,
  startKnowledgeBaseIngest,
} from '../../src/client/knowledgeBase.js';
import type { KnowledgeBaseInput } from '../../src/shared/knowledgeBaseTypes.js';
import {
  editDocuments,
  generateCorpus,
  goldenLines,
  type GeneratedCorpus,
} from '../support/kbCorpus.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';

const MODEL = 'text-embedding-3-small';

describe('knowledge-base pipeline', () => {
  let h: Harness;
  let work: string;
  let corpus: GeneratedCorpus;
  const kb = 'handbook';
  const project = `kb-${randomUUID().slice(0, 8)}`;
  const opts = () => ({ taskQueue: h.taskQueue });
  const read = { kb, wandb: { project } };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kb-it-'));
    corpus = generateCorpus(join(work, 'docs'), { documents: 20, paragraphs: 3 });
    writeFileSync(join(work, 'golden.jsonl'), goldenLines(corpus, 12));
    h = await startHarness(
      {},
      {},
      { knowledgeBase: { dir: join(work, 'kbdir'), batchInputs: 16 } },
    );
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const input = (): KnowledgeBaseInput => ({
    kb,
    sources: [corpus.dir],
    chunking: { size: 400, overlap: 60 },
    embedding: { model: MODEL, dimensions: 64 },
    golden: { path: join(work, 'golden.jsonl') },
    gates: { retrieval: 'block', retrievalOptions: { k: 5 } },
    wandb: { project },
  });
  const embedded = () => h.openai.stats().embeddingInputs[MODEL] ?? 0;

  /** Starts an ingest and waits until it asks a person. */
  const ingestToApproval = async () => {
    const started = await startKnowledgeBaseIngest(h.client, input(), opts());
    const status = await eventually(
      'the ingest to await approval',
      async () => {
        const s = await getKnowledgeBaseStatus(h.client, started.workflowId);
        if (s.execution !== 'RUNNING') throw new Error(`ended: ${s.failure ?? s.execution}`);
        return s.progress?.stage === 'awaiting_approval' ? s : undefined;
      },
      90_000,
    );
    return { started, progress: status.progress! };
  };
  const aliasesOf = (collection: string) =>
    h
      .wandb!.state.artifactVersions(TEST_WANDB_ENTITY, project, collection)
      .map((v) => ({ v: `v${v.versionIndex}`, aliases: v.aliases }));

  let firstVersion: string;

  it('a first ingest versions documents, chunks and index, gates them, and waits for a person; production is untouched until approval', async () => {
    const before = embedded();
    const { started, progress } = await ingestToApproval();
    expect(progress.corpus).toMatchObject({ documents: 20, formats: { markdown: 20 } });
    const corpusSummary = progress.corpus!;
    // Each distinct text once, plus the pre-flight's one-input check and the 12 golden questions.
    expect(embedded() - before).toBe(corpusSummary.distinctTexts + 1 + 12);
    expect(progress.embed).toMatchObject({
      chunks: corpusSummary.chunks,
      keptFromBase: 0,
      requested: corpusSummary.distinctTexts,
    });
    expect(progress.index?.check).toMatchObject({ ok: true, stored: corpusSummary.chunks });
    expect(progress.wandb).toMatchObject({
      documents: `${TEST_WANDB_ENTITY}/${project}/${kb}-documents:v0`,
      chunks: `${TEST_WANDB_ENTITY}/${project}/${kb}-chunks:v0`,
      index: `${TEST_WANDB_ENTITY}/${project}/${kb}-index:v0`,
      golden: `${TEST_WANDB_ENTITY}/${project}/${kb}-golden:v0`,
      errors: [],
    });
    const gates = Object.fromEntries(progress.approval!.gates.map((g) => [g.gate, g]));
    expect(gates.pii?.verdict).toBe('pass');
    expect(gates.corpusChange?.corpus?.documents.added).toBe(20);
    expect(gates.retrieval?.verdict).toBe('pass');
    expect(gates.retrieval?.retrieval?.production).toBeNull();
    expect(gates.retrieval?.retrieval?.candidate.recall).toBeGreaterThanOrEqual(0.75);
    // Built beside production, never in it: nothing is served yet.
    expect(await resolveKnowledgeBase(h.client, read, opts())).toBeNull();

    const reply = await decideKnowledgeBase(
      h.client,
      started.workflowId,
      'approve',
      { by: 'alice', comment: 'first index' },
      opts(),
    );
    expect(reply.decision).toMatchObject({ decision: 'approve', by: 'alice', how: 'update' });
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    firstVersion = result.index.versionId;
    expect(reply.promotion?.index).toMatchObject({ from: null, to: firstVersion, moved: true });

    const resolved = await resolveKnowledgeBase(h.client, read, opts());
    expect(resolved).toMatchObject({
      kb,
      store: 'lancedb',
      versionId: firstVersion,
      dims: 64,
      wandb: { ref: `${TEST_WANDB_ENTITY}/${project}/${kb}-index:v0`, embeddingModel: MODEL },
    });
    expect(aliasesOf(`${kb}-index`).map((v) => v.v)).toEqual(['v0']);
    expect(aliasesOf(`${kb}-index`)[0]?.aliases).toContain('production');
    expect(aliasesOf(`${kb}-chunks`)[0]?.aliases).toContain('production');
    expect(aliasesOf(`${kb}-documents`)[0]?.aliases).toContain('production');

    // A question about one document's topic finds that document among the top five.
    const id = corpus.ids[7]!;
    const answer = await queryKnowledgeBase(
      h.client,
      { ...read, question: `What is ${corpus.topics.get(id)!.join(' and ')}?`, k: 5 },
      opts(),
    );
    expect(answer.versionId).toBe(firstVersion);
    expect(answer.hits).toHaveLength(5);
    expect(answer.hits.map((hit) => hit.docId)).toContain(id);
  });

  it('a second ingest with two documents edited embeds only their new texts, shows the A/B, and rollback restores the first', async () => {
    const edited = editDocuments(corpus, 0.1);
    const before = embedded();
    const { started, progress } = await ingestToApproval();
    const embed = progress.embed!;
    // Only the edited documents' new chunk texts are sent; the questions come from the cache.
    expect(embedded() - before).toBe(embed.requested + 1);
    expect(embed.requested).toBeGreaterThan(0);
    expect(embed.requested).toBeLessThanOrEqual(6);
    expect(embed.keptFromBase + embed.written).toBe(progress.corpus!.chunks);
    expect(embed.deleted).toBeGreaterThan(0);
    expect(progress.corpusChange?.documents).toMatchObject({ changed: 2, added: 0, removed: 0 });
    expect(progress.corpusChange?.examples.changed).toEqual(edited);
    const retrieval = progress.approval!.gates.find((g) => g.gate === 'retrieval')!;
    expect(retrieval.verdict).toBe('pass');
    expect(retrieval.retrieval?.production?.version).toBe(firstVersion);
    expect(retrieval.retrieval?.queryEmbeddings).toEqual({ requested: 0, reused: 12 });
    // Still the first version in production while the second waits.
    expect((await resolveKnowledgeBase(h.client, read, opts()))?.versionId).toBe(firstVersion);

    await decideKnowledgeBase(h.client, started.workflowId, 'approve', { by: 'bob' }, opts());
    const second = await started.handle.result();
    expect(second.stage).toBe('promoted');
    expect((await resolveKnowledgeBase(h.client, read, opts()))?.versionId).toBe(
      second.index.versionId,
    );
    expect(second.wandb.index).toBe(`${TEST_WANDB_ENTITY}/${project}/${kb}-index:v1`);

    const back = await rollBackKnowledgeBase(
      h.client,
      { kb, by: 'carol', reason: 'the edit was wrong', wandb: { project } },
      opts(),
    );
    expect(back).toMatchObject({ from: second.index.versionId, to: firstVersion, moved: true });
    const resolved = await resolveKnowledgeBase(h.client, read, opts());
    expect(resolved?.versionId).toBe(firstVersion);
    expect(resolved?.wandb?.ref).toBe(`${TEST_WANDB_ENTITY}/${project}/${kb}-index:v0`);
    expect(aliasesOf(`${kb}-index`).find((v) => v.v === 'v1')?.aliases).not.toContain('production');
    // Lineage of production after the rollback: the first index, from its chunks and documents.
    const lineage = await knowledgeBaseLineage(h.client, read, opts());
    expect(lineage.index).toMatchObject({
      ref: `${TEST_WANDB_ENTITY}/${project}/${kb}-index:v0`,
      versionId: firstVersion,
    });
    expect(lineage.chunks?.ref).toBe(`${TEST_WANDB_ENTITY}/${project}/${kb}-chunks:v0`);
    expect(lineage.documents?.ref).toBe(`${TEST_WANDB_ENTITY}/${project}/${kb}-documents:v0`);
  });
});
