// Replay fixtures for the knowledge base's events (the kb-outgoing-events patch's new branch): an
// ingest auto-approved, a second one approved by Update (kb.approval.requested, .decided and
// .promotion.completed), then a rollback (kb.rollback.completed), then an ingest that fails
// (kb.pipeline.failed). A stack of its own: its worker has a knowledge-base store and sends its
// events to a receiver here (and one that is down).
// Run by scripts/capture-histories.ts (`npm run capture:histories -- --only=kb-events`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import {
  decideKnowledgeBase,
  getKnowledgeBaseStatus,
  rollBackKnowledgeBase,
  startKnowledgeBaseIngest,
} from '../src/client/knowledgeBase.js';
import { buildLocalStack } from '../src/localStack/index.js';
import type { KnowledgeBaseInput } from '../src/shared/knowledgeBaseTypes.js';
import { editDocuments, generateCorpus, goldenLines } from '../test/support/kbCorpus.js';
import { eventsCaptureConfig } from './captureEvents.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

/** Until the ingest waits for a person and has emitted kb.approval.requested. */
async function awaitingWithEvent(client: Client, workflowId: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    const s = await getKnowledgeBaseStatus(client, workflowId).catch(() => undefined);
    const asked = s?.progress?.events?.some((e) => e.type === 'kb.approval.requested');
    if (s?.progress?.stage === 'awaiting_approval' && asked) return;
    if (s && s.execution !== 'RUNNING') throw new Error(`${workflowId} ended: ${s.failure}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${workflowId} never awaited approval`);
}

export async function captureKbEvents(
  stackOptions: { wandbKey: string; openaiKey: string },
  bind: (cliPath: string, address: string) => void,
  save: Save,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'capture-kb-events-'));
  const corpus = generateCorpus(join(dir, 'docs'), { documents: 12, paragraphs: 2 });
  writeFileSync(join(dir, 'golden.jsonl'), goldenLines(corpus, 6));
  const events = await eventsCaptureConfig();
  const stack = await buildLocalStack({
    temporal: { start: {} },
    openai: { apiKey: stackOptions.openaiKey },
    wandb: { emulator: { apiKeys: [stackOptions.wandbKey], defaultEntity: 'capture' } },
    worker: {
      taskQueue: 'capture-kb',
      knowledgeBase: { dir: join(dir, 'kbdir'), store: join(dir, 'lancedb') },
      events: events.config,
    },
  });
  try {
    bind(stack.server!.cli.path, stack.server!.address);
    const client = stack.client;
    const opts = { taskQueue: 'capture-kb' };
    const input = (extra: Partial<KnowledgeBaseInput> = {}): KnowledgeBaseInput => ({
      kb: 'handbook',
      sources: [corpus.dir],
      chunking: { size: 400, overlap: 60 },
      embedding: { dimensions: 64 },
      golden: { path: join(dir, 'golden.jsonl') },
      wandb: { project: 'kb-events-capture' },
      ...extra,
    });

    const first = await startKnowledgeBaseIngest(
      client,
      input({ promotion: { autoApprove: { by: 'ci' } } }),
      { ...opts, workflowId: 'replay-kb-events-auto' },
    );
    await first.handle.result();
    save('knowledgeBasePipeline', 'events-auto-approved', first.workflowId);

    editDocuments(corpus, 0.2);
    const second = await startKnowledgeBaseIngest(client, input(), {
      ...opts,
      workflowId: 'replay-kb-events-approved',
    });
    await awaitingWithEvent(client, second.workflowId);
    await decideKnowledgeBase(client, second.workflowId, 'approve', { by: 'alice' }, opts);
    await second.handle.result();
    save('knowledgeBasePipeline', 'events-approved', second.workflowId);

    await rollBackKnowledgeBase(
      client,
      { kb: 'handbook', by: 'carol', reason: 'capture', wandb: { project: 'kb-events-capture' } },
      { ...opts, workflowId: 'replay-kb-events-rollback' },
    );
    save('rollbackKnowledgeBase', 'events-rolled-back', 'replay-kb-events-rollback');

    // A run that fails a stage in (a golden set with no usable question): kb.pipeline.failed.
    const bad = join(dir, 'golden-bad.jsonl');
    writeFileSync(bad, '{"question": "no relevant documents named"}\n');
    const failing = await startKnowledgeBaseIngest(
      client,
      input({ golden: { path: bad }, promotion: { autoApprove: { by: 'ci' } } }),
      { ...opts, workflowId: 'replay-kb-events-failed' },
    );
    const outcome = await failing.handle.result().then(
      () => 'succeeded',
      () => 'failed',
    );
    if (outcome !== 'failed') throw new Error('the ingest with a bad golden set did not fail');
    save('knowledgeBasePipeline', 'events-failed', failing.workflowId);
    const received = events.receiver.received.map((e) => e.type);
    console.log(`receiver got ${received.length} events: ${received.join(', ')}`);
  } finally {
    await stack.stop();
    await events.receiver.close();
  }
}
