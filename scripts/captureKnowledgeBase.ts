// Replay fixtures for the knowledge-base workflows (a workflow type of its own: no patches): a
// first ingest approved by Update (with its production move), a second ingest rejected by signal,
// a third auto-approved and incremental, then a rollback (with its move). A stack of its own: its
// worker has a knowledge-base folder and LanceDB store in a temporary folder, W&B on.
// Run by scripts/capture-histories.ts (`npm run capture:histories -- --only=kb`).
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
import { rejectPromotionSignal } from '../src/workflows/definitions.js';
import { kbLockId } from '../src/workflows/kb/rules.js';
import { editDocuments, generateCorpus, goldenLines } from '../test/support/kbCorpus.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

async function awaiting(client: Client, workflowId: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    const s = await getKnowledgeBaseStatus(client, workflowId).catch(() => undefined);
    if (s?.progress?.stage === 'awaiting_approval') return;
    if (s && s.execution !== 'RUNNING') throw new Error(`${workflowId} ended: ${s.failure}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${workflowId} never awaited approval`);
}

export async function captureKnowledgeBase(
  stackOptions: { wandbKey: string; openaiKey: string },
  bind: (cliPath: string, address: string) => void,
  save: Save,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'capture-kb-'));
  const corpus = generateCorpus(join(dir, 'docs'), { documents: 12, paragraphs: 2 });
  writeFileSync(join(dir, 'golden.jsonl'), goldenLines(corpus, 6));
  const store = join(dir, 'lancedb');
  const stack = await buildLocalStack({
    temporal: { start: {} },
    openai: { apiKey: stackOptions.openaiKey },
    wandb: { emulator: { apiKeys: [stackOptions.wandbKey], defaultEntity: 'capture' } },
    worker: { taskQueue: 'capture-kb', knowledgeBase: { dir: join(dir, 'kbdir'), store } },
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
      wandb: { project: 'kb-capture' },
      ...extra,
    });
    const lock = kbLockId('handbook', store);

    const first = await startKnowledgeBaseIngest(client, input(), {
      ...opts,
      workflowId: 'replay-kb-approved',
    });
    await awaiting(client, first.workflowId);
    await decideKnowledgeBase(client, first.workflowId, 'approve', { by: 'alice' }, opts);
    await first.handle.result();
    save('knowledgeBasePipeline', 'approved-by-update', first.workflowId);
    save('moveKbProduction', 'promote', lock);

    editDocuments(corpus, 0.2);
    const second = await startKnowledgeBaseIngest(client, input(), {
      ...opts,
      workflowId: 'replay-kb-rejected',
    });
    await awaiting(client, second.workflowId);
    await second.handle.signal(rejectPromotionSignal, { by: 'bob', comment: 'not yet' });
    await second.handle.result();
    save('knowledgeBasePipeline', 'rejected-by-signal', second.workflowId);

    const third = await startKnowledgeBaseIngest(
      client,
      input({ promotion: { autoApprove: { by: 'ci' } } }),
      { ...opts, workflowId: 'replay-kb-auto-incremental' },
    );
    await third.handle.result();
    save('knowledgeBasePipeline', 'auto-approved-incremental', third.workflowId);

    await rollBackKnowledgeBase(
      client,
      { kb: 'handbook', by: 'carol', reason: 'capture', wandb: { project: 'kb-capture' } },
      { ...opts, workflowId: 'replay-kb-rollback' },
    );
    save('rollbackKnowledgeBase', 'to-replaced', 'replay-kb-rollback');
    save('moveKbProduction', 'rollback', lock);
  } finally {
    await stack.stop();
  }
}
