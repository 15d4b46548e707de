// Replay fixtures for signed approvals (patch `signed-approvals`): a worker with an approval
// policy (two approvals of three signers), so its own stack. A quorum reached across two keys
// after refusals (the Update's refusals leave no trace; an unsigned signal is kept as unverified),
// and a signed approval by signal followed by a signed rejection.
// Run by scripts/capture-histories.ts (`npm run capture:histories -- --only=signed`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { decidePromotion } from '../src/client/promotion.js';
import { approvalRequest } from '../src/client/signedDecision.js';
import { buildLocalStack } from '../src/localStack/index.js';
import type { ApprovalRequestView } from '../src/shared/approvalTypes.js';
import { approvePromotionSignal, decidePromotionUpdate } from '../src/workflows/definitions.js';
import { signedBy, testSigner, type TestSigner } from '../test/support/approvalKeys.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

const fast = { minPollMs: 300, maxPollMs: 2000 };

async function awaiting(client: Client, h: WorkflowHandle): Promise<ApprovalRequestView> {
  for (let i = 0; i < 3000; i++) {
    const v = await approvalRequest(client, h.workflowId).catch(() => undefined);
    if (v?.stage === 'awaiting_approval' && v.candidate) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${h.workflowId} never awaited approval`);
}

const sign = (
  who: TestSigner,
  v: ApprovalRequestView,
  over: Partial<Parameters<typeof signedBy>[1]> = {},
) =>
  signedBy(who, {
    workflowId: v.workflowId,
    candidate: v.candidate!,
    policyDigest: v.policy!.digest,
    ...over,
  });

export async function captureSigned(
  stackOptions: { wandbKey: string; openaiKey: string },
  bind: (cliPath: string, address: string) => void,
  save: Save,
): Promise<void> {
  const alice = testSigner('alice', ['ml-lead']);
  const bob = testSigner('bob', ['security']);
  const carol = testSigner('carol', ['ml-lead']);
  const dir = mkdtempSync(join(tmpdir(), 'capture-policy-'));
  const policy = join(dir, 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({
      version: 1,
      signers: [alice, bob, carol].map((s) => ({
        principal: s.principal,
        roles: s.roles,
        key: s.publicKey,
      })),
      promote: { approvals: 2 },
      maxValidity: '1h',
    }),
  );
  const stack = await buildLocalStack({
    temporal: { start: {} },
    webhooks: {},
    openai: {
      apiKey: stackOptions.openaiKey,
      durations: { validatingMs: 300, queuedMs: 300, runningMs: 2500 },
      steps: 10,
    },
    wandb: { emulator: { apiKeys: [stackOptions.wandbKey], defaultEntity: 'capture' } },
    worker: { taskQueue: 'capture-signed', approvalPolicy: policy },
  });
  try {
    bind(stack.server!.cli.path, stack.server!.address);
    const client = stack.client;
    const start = (suffix: string) =>
      startFineTunePipeline(
        client,
        sampleInput(fast, {
          suffix,
          wandb: { project: 'signed' },
          promotion: { startedBy: 'carol' },
        }),
        { taskQueue: 'capture-signed', workflowId: `replay-${suffix}` },
      );

    const quorum = await start('signed-quorum');
    const v = await awaiting(client, quorum.handle);
    // Refused by the validator (nothing in history): unsigned, and self-approval.
    await decidePromotion(client, v.workflowId, 'approve', { by: 'alice' }).catch(() => undefined);
    await decidePromotion(client, v.workflowId, 'approve', {
      by: 'carol',
      signed: sign(carol, v),
    }).catch(() => undefined);
    await quorum.handle.signal(approvePromotionSignal, { by: 'mallory' }); // kept as unverified
    await decidePromotion(client, v.workflowId, 'approve', { by: 'alice', signed: sign(alice, v) });
    await decidePromotion(client, v.workflowId, 'approve', { by: 'bob', signed: sign(bob, v) });
    await quorum.handle.result();
    save('fineTunePipeline', 'signed-quorum-promoted', quorum.workflowId);
    save('moveModelAlias', 'promote-signed', 'alias-move/capture/signed/model-metadata/production');

    const rejected = await start('signed-rejected');
    const r = await awaiting(client, rejected.handle);
    // A signed approval by signal counts (one of two); a drifted one is kept as refused.
    await rejected.handle.signal(approvePromotionSignal, {
      by: 'alice',
      signed: sign(alice, r, { candidate: { ...r.candidate!, modelDigest: 'drifted' } }),
    });
    await rejected.handle.signal(approvePromotionSignal, { by: 'alice', signed: sign(alice, r) });
    await rejected.handle.executeUpdate(decidePromotionUpdate, {
      args: [{ decision: 'reject', by: 'bob', signed: sign(bob, r, { decision: 'reject' }) }],
    });
    await rejected.handle.result();
    save('fineTunePipeline', 'signed-approval-then-signed-rejection', rejected.workflowId);
  } finally {
    await stack.stop();
  }
}
