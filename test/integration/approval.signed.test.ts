import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { decidePromotion, DecisionRefusedError } from '../../src/client/promotion.js';
import { approvalRequest } from '../../src/client/signedDecision.js';
import { verifyModelLineage } from '../../src/client/verifyLineage.js';
import type { ApprovalRequestView, SignedDecision } from '../../src/shared/approvalTypes.js';
import type { GovernanceEvent } from '../../src/shared/governanceTypes.js';
import type { PromotionConfig } from '../../src/shared/promotionTypes.js';
import { approvePromotionSignal, progressQuery } from '../../src/workflows/definitions.js';
import { signedBy, testSigner, type TestSigner } from '../support/approvalKeys.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// Signed approvals on a real dev server: each refusal of the Update (nothing recorded), a quorum
// of two reached by two people's keys (as on two machines), signals without a signature kept as
// unverified, and the policy recorded at the start whatever the worker's file says later.

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const PROJECT = 'OpenAI-Fine-Tune';
const alice = testSigner('alice', ['ml-lead']);
const bob = testSigner('bob', ['security']);
const carol = testSigner('carol', ['ml-lead']);
const mallory = testSigner('mallory', ['ml-lead']);

const policyFile = (signers: TestSigner[]) =>
  JSON.stringify({
    version: 1,
    signers: signers.map((s) => ({ principal: s.principal, roles: s.roles, key: s.publicKey })),
    promote: { approvals: 2 },
    rollback: { approvals: 1 },
    maxValidity: '1h',
  });

describe('signed approvals under the worker’s approval policy', () => {
  let h: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const policyPath = join(dir, 'policy.json');
  beforeAll(async () => {
    writeFileSync(policyPath, policyFile([alice, bob, carol]));
    h = await startHarness({}, {}, { approvalPolicy: policyPath });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const start = (promotion: PromotionConfig, suffix: string) =>
    startFineTunePipeline(h.client, sampleInput(FAST, { suffix, promotion }), {
      taskQueue: h.taskQueue,
    });
  const awaiting = (workflowId: string) =>
    eventually(
      `${workflowId} awaiting approval`,
      async () => {
        const v = await approvalRequest(h.client, workflowId);
        return v.stage === 'awaiting_approval' && v.candidate ? v : undefined;
      },
      90_000,
    );
  const sign = (
    who: TestSigner,
    view: ApprovalRequestView,
    over: Partial<Parameters<typeof signedBy>[1]> = {},
  ): SignedDecision =>
    signedBy(who, {
      workflowId: view.workflowId,
      candidate: view.candidate!,
      policyDigest: view.policy!.digest,
      ...over,
    });
  const approve = (workflowId: string, who: TestSigner, signed?: SignedDecision) =>
    decidePromotion(h.client, workflowId, 'approve', {
      by: who.principal,
      ...(signed ? { signed } : {}),
    });

  it('refuses every bad decision at once, counts two people’s keys, and promotes on the quorum', async () => {
    const started = await start({ startedBy: 'carol' }, 'signed');
    const view = await awaiting(started.workflowId);
    expect(view.policy).toMatchObject({ source: policyPath, rule: '2 approvals', signers: 3 });
    const c = view.candidate!;
    expect(c.kind).toBe('fine-tune');
    expect(c.modelVersion).toMatch(/model-metadata:v\d+$/);
    expect(c.modelDigest).toMatch(/^[0-9a-f]{32,}$/);
    expect(c.gatesDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // A change of policy applies to pipelines started after it: this one keeps its own.
    writeFileSync(policyPath, policyFile([alice, carol]));

    const refusals: [string, () => Promise<unknown>, RegExp][] = [
      ['unsigned', () => approve(started.workflowId, alice), /requires a signed decision/],
      [
        'key not in the policy',
        () => approve(started.workflowId, mallory, sign(mallory, view)),
        /not in the approval policy/,
      ],
      [
        'another pipeline',
        () =>
          approve(started.workflowId, alice, sign(alice, { ...view, workflowId: 'someone-else' })),
        /signed for another pipeline \(someone-else\)/,
      ],
      [
        'another candidate',
        () =>
          approve(
            started.workflowId,
            alice,
            sign(alice, view, { candidate: { ...view.candidate!, modelDigest: 'tampered' } }),
          ),
        /approval drift: modelDigest/,
      ],
      [
        'expired',
        () =>
          approve(
            started.workflowId,
            alice,
            sign(alice, view, { issuedAt: new Date(Date.now() - 90 * 60_000) }),
          ),
        /expired at/,
      ],
      [
        'self-approval',
        () => approve(started.workflowId, carol, sign(carol, view)),
        /started this pipeline and may not approve/,
      ],
    ];
    for (const [what, attempt, message] of refusals) {
      const err = await attempt().then(
        () => new Error(`${what}: accepted`),
        (e: unknown) => e,
      );
      expect(err, what).toBeInstanceOf(DecisionRefusedError);
      expect((err as Error).message, what).toMatch(message);
    }
    let p = await started.handle.query(progressQuery);
    expect(p.approval?.votes).toEqual([]); // refused: nothing recorded as a decision
    expect(p.approval?.decision).toBeUndefined();

    // One of two: recorded, and the pipeline keeps waiting.
    const aliceSigned = sign(alice, view);
    const first = await approve(started.workflowId, alice, aliceSigned);
    expect(first.decision).toBeUndefined();
    expect(first.pending).toMatchObject({
      met: false,
      have: ['alice'],
      missing: ['1 more approval'],
    });
    // The same signed decision again is a replay.
    await expect(approve(started.workflowId, alice, aliceSigned)).rejects.toThrow(/replayed/);
    // A signal without a signature is kept as an unverified request and promotes nothing.
    await started.handle.signal(approvePromotionSignal, { by: 'bob', comment: 'from the UI' });
    p = await eventually('the unverified signal recorded', async () => {
      const q = await started.handle.query(progressQuery);
      return q.approval?.ignored.length ? q : undefined;
    });
    expect(p.approval!.ignored[0]).toMatchObject({ by: 'bob', how: 'signal', unverified: true });
    expect(p.approval!.ignored[0]!.reason).toMatch(/requires a signed decision/);
    expect(p.stage).toBe('awaiting_approval');

    // Bob — removed from the worker's file since, but in the policy this pipeline started with.
    const second = await approve(started.workflowId, bob, sign(bob, view));
    expect(second.decision).toMatchObject({
      decision: 'approve',
      by: 'alice, bob',
      verified: true,
    });
    expect(second.decision!.signed!.map((v) => [v.approver, v.keyFingerprint])).toEqual([
      ['alice', alice.key.publicKey.fingerprint],
      ['bob', bob.key.publicKey.fingerprint],
    ]);
    expect(second.promotion).toMatchObject({ promoted: true, alias: 'production' });
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');

    // The model version's governance log keeps both signed decisions and the policy's digest.
    const versions = h.wandb!.state.artifactVersions(TEST_WANDB_ENTITY, PROJECT, 'model-metadata');
    const promoted = versions.find((v) => v.aliases.includes(result.jobId))!;
    const log = promoted.metadata!.governanceLog as GovernanceEvent[];
    const entry = log.find((e) => e.kind === 'promoted')!;
    expect(entry.signed?.policyDigest).toBe(view.policy!.digest);
    expect(entry.signed?.decisions.map((d) => d.signature)).toEqual([
      aliceSigned.signature,
      expect.stringContaining('BEGIN SSH SIGNATURE'),
    ]);
    const policies = promoted.metadata!.approvalPolicies as Record<string, unknown>;
    expect(Object.keys(policies)).toEqual([view.policy!.digest]);
  });

  it('a signed rejection decides at once; the starter cannot loosen the policy', async () => {
    // The worker's file now lists alice and carol (the previous test changed it).
    const rejected = await start({}, 'signed-rej');
    const view = await awaiting(rejected.workflowId);
    expect(view.signers.map((s) => s.principal)).toEqual(['alice', 'carol']);
    const carolSigned = sign(carol, view, { decision: 'reject' });
    const reply = await decidePromotion(h.client, rejected.workflowId, 'reject', {
      by: 'carol',
      signed: carolSigned,
    });
    expect(reply.decision).toMatchObject({ decision: 'reject', by: 'carol', verified: true });
    const ended = await rejected.handle.result();
    expect(ended.stage).toBe('rejected');
    // The signed rejection stays on the model version's log (no longer the candidate) and verifies.
    const version = h
      .wandb!.state.artifactVersions(TEST_WANDB_ENTITY, PROJECT, 'model-metadata')
      .find((v) => v.aliases.includes(ended.jobId))!;
    expect(version.aliases).not.toContain('candidate');
    const log = version.metadata!.governanceLog as GovernanceEvent[];
    expect(log.find((e) => e.kind === 'rejected')).toMatchObject({
      by: 'carol',
      workflowId: rejected.workflowId,
      signed: { policyDigest: view.policy!.digest, decisions: [carolSigned] },
    });
    const verified = await verifyModelLineage(
      h.client,
      ended.jobId,
      {
        project: PROJECT,
        entity: TEST_WANDB_ENTITY,
        collection: 'model-metadata',
        taskQueue: h.taskQueue,
      },
      { currentPolicyFile: policyPath },
    );
    expect(verified.verification.problems).toEqual([]);
    expect(verified.verification.entries.map((e) => [e.kind, e.decisions[0]!.approver])).toEqual([
      ['rejected', 'carol'],
    ]);

    const auto = await start({ autoApprove: { by: 'ci-bot' } }, 'signed-auto');
    await expect(auto.handle.result()).rejects.toThrow();
    const p = await auto.handle.query(progressQuery);
    expect(p.stage).toBe('failed');
    expect(p.error).toMatch(/autoApprove is not allowed: the worker's approval policy/);
  });

  it('approvals short of the quorum when the timeout rejects stay on the version’s log', async () => {
    const timed = await start({ approvalTimeoutMs: 8_000 }, 'signed-timeout');
    const view = await awaiting(timed.workflowId);
    const aliceSigned = sign(alice, view);
    const first = await approve(timed.workflowId, alice, aliceSigned);
    expect(first.pending?.missing).toEqual(['1 more approval']);
    const ended = await timed.handle.result();
    expect(ended.stage).toBe('rejected');
    const version = h
      .wandb!.state.artifactVersions(TEST_WANDB_ENTITY, PROJECT, 'model-metadata')
      .find((v) => v.aliases.includes(ended.jobId))!;
    const entry = (version.metadata!.governanceLog as GovernanceEvent[]).find(
      (e) => e.kind === 'rejected',
    );
    expect(entry).toMatchObject({
      by: 'timeout',
      how: 'timeout',
      signed: { policyDigest: view.policy!.digest, decisions: [aliceSigned] },
    });
  });
});
