// Replay fixtures for signed rollbacks (patch `signed-rollbacks`): a worker with an approval
// policy (one approval promotes, a rollback needs two), so its own stack; then a worker without
// one (the new path with no policy: the rollback goes ahead as asked).
// Run by scripts/capture-histories.ts (`npm run capture:histories -- --only=signed-rollback`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { decidePromotion, rollback } from '../src/client/promotion.js';
import { approvalRequest } from '../src/client/signedDecision.js';
import { rollbackRequest, startSignedRollback } from '../src/client/signedRollback.js';
import { buildLocalStack } from '../src/localStack/index.js';
import type { ApprovalRequestView } from '../src/shared/approvalTypes.js';
import { approvePromotionSignal } from '../src/workflows/definitions.js';
import {
  signedBy,
  testSigner,
  type TestSigner,
  writePolicyFile,
} from '../test/support/approvalKeys.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

const fast = { minPollMs: 300, maxPollMs: 2000 };
const QUEUE = 'capture-signed-rollback';
const where = { project: 'signed-rollback', collection: 'model-metadata', alias: 'production' };

async function awaiting(client: Client, workflowId: string): Promise<ApprovalRequestView> {
  for (let i = 0; i < 3000; i++) {
    const v = await approvalRequest(client, workflowId).catch(() => undefined);
    if (v?.stage === 'awaiting_approval' && v.candidate) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${workflowId} never awaited approval`);
}

const sign = (
  who: TestSigner,
  v: ApprovalRequestView,
  over: Partial<Parameters<typeof signedBy>[1]> = {},
) =>
  signedBy(who, {
    workflowId: v.workflowId,
    candidate: v.candidate!,
    policyDigest: v.policy?.digest ?? '',
    action: v.action,
    ...over,
  });

function stackFor(options: { wandbKey: string; openaiKey: string }, approvalPolicy?: string) {
  return buildLocalStack({
    temporal: { start: {} },
    webhooks: {},
    openai: {
      apiKey: options.openaiKey,
      durations: { validatingMs: 300, queuedMs: 300, runningMs: 2500 },
      steps: 10,
    },
    wandb: { emulator: { apiKeys: [options.wandbKey], defaultEntity: 'capture' } },
    worker: { taskQueue: QUEUE, ...(approvalPolicy ? { approvalPolicy } : {}) },
  });
}

export async function captureSignedRollback(
  stackOptions: { wandbKey: string; openaiKey: string },
  bind: (cliPath: string, address: string) => void,
  save: Save,
): Promise<void> {
  const alice = testSigner('alice', ['ml-lead']);
  const bob = testSigner('bob', ['security']);
  const dir = mkdtempSync(join(tmpdir(), 'capture-policy-'));
  const policy = join(dir, 'policy.json');
  writePolicyFile(policy, [alice, bob], { rollback: { approvals: 2 }, maxValidity: '1h' });
  let stack = await stackFor(stackOptions, policy);
  try {
    bind(stack.server!.cli.path, stack.server!.address);
    const client = stack.client;
    for (const suffix of ['rb-one', 'rb-two']) {
      const p = await startFineTunePipeline(
        client,
        sampleInput(fast, { suffix, wandb: { project: where.project }, promotion: {} }),
        { taskQueue: QUEUE },
      );
      const v = await awaiting(client, p.workflowId);
      await decidePromotion(client, p.workflowId, 'approve', {
        by: 'alice',
        signed: sign(alice, v),
      });
      await p.handle.result();
    }
    const ask = { ...where, by: 'ops', reason: 'capture' };

    // Unsigned under the policy: refused at once.
    await rollback(client, ask, { taskQueue: QUEUE, workflowId: 'replay-rollback-unsigned' }).catch(
      () => undefined,
    );
    save('rollbackPromotion', 'signed-rollback-unsigned-refused', 'replay-rollback-unsigned');

    // Two of two after refusals (the Update's leave no trace) and an unsigned signal (kept).
    const quorum = await startSignedRollback(client, ask, {
      taskQueue: QUEUE,
      workflowId: 'replay-rollback-signed-quorum',
    });
    const q = await rollbackRequest(client, quorum);
    await decidePromotion(client, quorum, 'approve', { by: 'alice' }).catch(() => undefined);
    await client.workflow.getHandle(quorum).signal(approvePromotionSignal, { by: 'mallory' });
    await decidePromotion(client, quorum, 'approve', { by: 'alice', signed: sign(alice, q) });
    await decidePromotion(client, quorum, 'approve', { by: 'bob', signed: sign(bob, q) });
    await client.workflow.getHandle(quorum).result();
    save('rollbackPromotion', 'signed-rollback-quorum', quorum);

    // One approval by signal, then a signed rejection: nothing moves.
    const rejected = await startSignedRollback(
      client,
      { ...ask, to: 'v1' },
      { taskQueue: QUEUE, workflowId: 'replay-rollback-signed-rejected' },
    );
    const r = await rollbackRequest(client, rejected);
    await client.workflow
      .getHandle(rejected)
      .signal(approvePromotionSignal, { by: 'alice', signed: sign(alice, r) });
    await decidePromotion(client, rejected, 'reject', {
      by: 'bob',
      signed: sign(bob, r, { decision: 'reject' }),
    });
    await client.workflow
      .getHandle(rejected)
      .result()
      .catch(() => undefined);
    save('rollbackPromotion', 'signed-rollback-rejected', rejected);
  } finally {
    await stack.stop();
  }

  // The new path without a policy: as before, the names as typed.
  stack = await stackFor(stackOptions);
  try {
    bind(stack.server!.cli.path, stack.server!.address);
    const client = stack.client;
    for (const suffix of ['np-one', 'np-two']) {
      const p = await startFineTunePipeline(
        client,
        sampleInput(fast, {
          suffix,
          wandb: { project: where.project },
          promotion: { autoApprove: { by: 'ops' } },
        }),
        { taskQueue: QUEUE },
      );
      await p.handle.result();
    }
    await rollback(
      client,
      { ...where, by: 'ops', reason: 'capture' },
      { taskQueue: QUEUE, workflowId: 'replay-rollback-without-policy' },
    );
    save('rollbackPromotion', 'without-policy', 'replay-rollback-without-policy');
  } finally {
    await stack.stop();
  }
}
