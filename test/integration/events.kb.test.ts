// The knowledge base's events on the real dev server: an ingest that asks a person sends
// kb.approval.requested with `finetune kb approve`, and its promotion kb.promotion.completed
// naming the index production now holds, each once and signed (verified by the `openai` client's
// Standard Webhooks verifier); the index re-opens from the event alone, as docs/events.md's
// receiver does. A blocked gate, a rollback and a failed ingest send theirs once each too.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decideKnowledgeBase,
  getKnowledgeBaseStatus,
  rollBackKnowledgeBase,
  startKnowledgeBaseIngest,
} from '../../src/client/knowledgeBase.js';
import { parseEventsConfig } from '../../src/events/config.js';
import type { EventType, KbPromotionCompletedData } from '../../src/shared/eventTypes.js';
import type { KnowledgeBaseInput } from '../../src/shared/knowledgeBaseTypes.js';
import { freePort } from '../../src/temporal/freePort.js';
import { openProductionIndex } from '../../src/vectorStores/productionIndex.js';
import type { deliverEvent } from '../../src/workflows/deliverEvent.js';
import { eventIdFor } from '../../src/workflows/eventIds.js';
import {
  editDocuments,
  generateCorpus,
  goldenLines,
  type GeneratedCorpus,
} from '../support/kbCorpus.js';
import { EVENTS_SECRET, receiver } from './support/eventReceiver.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';

describe("the knowledge base's events", () => {
  let h: Harness;
  let work: string;
  let r: ReturnType<typeof receiver>;
  let corpus: GeneratedCorpus;
  let firstVersion = '';
  const kb = 'handbook';
  const project = `kb-events-${randomUUID().slice(0, 8)}`;
  const input = (extra: Partial<KnowledgeBaseInput> = {}): KnowledgeBaseInput => ({
    kb,
    sources: [corpus.dir],
    chunking: { size: 400, overlap: 60 },
    embedding: { dimensions: 64 },
    golden: { path: join(work, 'golden.jsonl') },
    wandb: { project },
    ...extra,
  });
  /** The one delivery of an event: its delivery workflow ended delivered, so none other comes. */
  const deliveredOnce = async (workflowId: string, type: EventType) => {
    const runId = (await h.client.workflow.getHandle(workflowId).describe()).runId;
    const id = eventIdFor(workflowId, runId, type);
    const delivery = await eventually(
      `${type} delivered`,
      () =>
        h.client.workflow
          .getHandle<typeof deliverEvent>(id)
          .result()
          .catch(() => undefined),
      30_000,
      200,
    );
    expect(delivery.deliveries).toMatchObject([{ endpoint: 'rag', state: 'delivered' }]);
    const got = r.deliveries.filter((d) => d.type === type);
    expect(got.map((d) => d.id)).toEqual([id]);
    return got[0]!.data;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kb-events-it-'));
    r = receiver(await freePort());
    await r.up();
    h = await startHarness(
      {},
      {},
      {
        knowledgeBase: { dir: join(work, 'kbdir'), store: join(work, 'lancedb') },
        events: parseEventsConfig(
          { endpoints: [{ name: 'rag', url: r.url, secret: EVENTS_SECRET }] },
          'test',
        ),
      },
    );
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await r?.down();
    rmSync(work, { recursive: true, force: true });
  });

  it('an approved ingest sends kb.approval.requested, then kb.promotion.completed with the index, once each', async () => {
    corpus = generateCorpus(join(work, 'docs'), { documents: 12, paragraphs: 2 });
    writeFileSync(join(work, 'golden.jsonl'), goldenLines(corpus, 6));
    const started = await startKnowledgeBaseIngest(h.client, input(), { taskQueue: h.taskQueue });
    const { workflowId } = started;
    const asked = await eventually(
      'kb.approval.requested at the receiver',
      () => r.deliveries.find((d) => d.type === 'kb.approval.requested'),
      120_000,
      100,
    );
    expect(asked.data).toMatchObject({
      workflowId,
      kb,
      alias: 'production',
      store: { kind: 'lancedb', location: join(work, 'lancedb') },
      decide: {
        approve: `npx finetune kb approve ${workflowId} --by NAME`,
        signals: { approve: 'approvePromotion' },
      },
    });
    expect((asked.data.gates as unknown[]).length).toBeGreaterThan(0);

    await decideKnowledgeBase(
      h.client,
      workflowId,
      'approve',
      { by: 'alice' },
      {
        taskQueue: h.taskQueue,
      },
    );
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    firstVersion = result.index.versionId;

    const runId = (await started.handle.describe()).runId;
    const promotedId = eventIdFor(workflowId, runId, 'kb.promotion.completed');
    // Its delivery workflow ended delivered: no other delivery of this occurrence can come.
    const delivery = await h.client.workflow.getHandle<typeof deliverEvent>(promotedId).result();
    expect(delivery.deliveries).toMatchObject([{ endpoint: 'rag', state: 'delivered' }]);
    const promoted = r.deliveries.filter((d) => d.type === 'kb.promotion.completed');
    expect(promoted.map((d) => d.id)).toEqual([promotedId]);
    const data = promoted[0]!.data as unknown as KbPromotionCompletedData;
    expect(data).toMatchObject({
      workflowId,
      kb,
      alias: 'production',
      approvedBy: 'alice',
      index: {
        store: 'lancedb',
        location: join(work, 'lancedb'),
        version: result.index.versionId,
        replaced: null,
        moved: true,
      },
      indexVersionRef: `${TEST_WANDB_ENTITY}/${project}/${kb}-index:v0`,
      replacedRef: null,
    });
    // Not the fine-tune's type: a model's receiver never takes this index for a model.
    expect(r.deliveries.filter((d) => d.type === 'promotion.completed')).toEqual([]);
    expect(r.rejected()).toBe(0);
    expect(JSON.stringify(r.deliveries)).not.toContain('whsec_');

    // What the receiver in docs/events.md does with it: re-open production from the event alone.
    const index = await openProductionIndex({
      kb: data.kb,
      store: data.index.location,
      intervalMs: 0,
    });
    try {
      expect(index.current()?.versionId).toBe(data.index.version);
    } finally {
      await index.close();
    }

    const status = await getKnowledgeBaseStatus(h.client, workflowId);
    expect(status.events?.map((e) => [e.type, e.deliveries.map((d) => d.state)])).toEqual([
      ['kb.approval.requested', ['delivered']],
      ['kb.approval.decided', ['delivered']],
      ['kb.promotion.completed', ['delivered']],
    ]);
  });

  it('a blocking kb gate sends kb.gate.blocked once; a rollback kb.rollback.completed once', async () => {
    // An e-mail address in one document, and the PII gate set to block: rejected by the gates.
    const pii = join(corpus.dir, 'contact.md');
    writeFileSync(pii, '# Contact\n\nWrite to jane.doe@example.com for a refund.\n');
    const blocked = await startKnowledgeBaseIngest(
      h.client,
      input({ gates: { pii: 'block' }, promotion: { autoApprove: { by: 'ci' } } }),
      { taskQueue: h.taskQueue },
    );
    expect((await blocked.handle.result()).stage).toBe('rejected');
    const gate = await deliveredOnce(blocked.workflowId, 'kb.gate.blocked');
    expect(gate).toMatchObject({ workflowId: blocked.workflowId, kb, alias: 'production' });
    expect(gate.blockedBy).toEqual([expect.stringMatching(/^pii/i)]);

    // A second version promoted, then rolled back to the first.
    unlinkSync(pii);
    editDocuments(corpus, 0.2);
    const second = await startKnowledgeBaseIngest(
      h.client,
      input({ promotion: { autoApprove: { by: 'ci' } } }),
      { taskQueue: h.taskQueue },
    );
    const secondResult = await second.handle.result();
    expect(secondResult.stage).toBe('promoted');
    const rollbackId = `kb-events-rollback-${randomUUID().slice(0, 8)}`;
    await rollBackKnowledgeBase(
      h.client,
      { kb, by: 'carol', reason: 'the edit was wrong', wandb: { project } },
      { taskQueue: h.taskQueue, workflowId: rollbackId },
    );
    const back = await deliveredOnce(rollbackId, 'kb.rollback.completed');
    expect(back).toMatchObject({
      workflowId: rollbackId,
      kb,
      alias: 'production',
      index: {
        store: 'lancedb',
        location: join(work, 'lancedb'),
        version: firstVersion,
        replaced: secondResult.index.versionId,
        moved: true,
      },
      indexVersionRef: `${TEST_WANDB_ENTITY}/${project}/${kb}-index:v0`,
      by: 'carol',
      reason: 'the edit was wrong',
    });
    expect(r.rejected()).toBe(0);
  });

  it('an ingest that fails sends kb.pipeline.failed once, with the failure type and no data', async () => {
    // A golden set with no usable question: the run fails when it resolves the set (a stage in).
    const bad = join(work, 'golden-bad.jsonl');
    writeFileSync(bad, '{"question": "where is the refund policy?"}\n');
    const failing = await startKnowledgeBaseIngest(
      h.client,
      input({ golden: { path: bad }, promotion: { autoApprove: { by: 'ci' } } }),
      { taskQueue: h.taskQueue },
    );
    await expect(failing.handle.result()).rejects.toThrow();
    const failed = await deliveredOnce(failing.workflowId, 'kb.pipeline.failed');
    expect(failed).toMatchObject({
      workflowId: failing.workflowId,
      kb,
      errorType: 'KbGoldenSetInvalid',
    });
    expect(typeof failed.stage).toBe('string');
    // Ids and refs only: the golden set's text never travels in an event.
    expect(JSON.stringify(failed)).not.toContain('refund policy');
    expect(r.rejected()).toBe(0);
  });
});
