import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMigration } from '../../src/client/migration.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { decidePromotion, DecisionRefusedError, rollback } from '../../src/client/promotion.js';
import { approvalRequest } from '../../src/client/signedDecision.js';
import {
  decideSignedRollback,
  rollbackRequest,
  startSignedRollback,
} from '../../src/client/signedRollback.js';
import { verifyModelLineage } from '../../src/client/verifyLineage.js';
import type { ApprovalRequestView, SignedDecision } from '../../src/shared/approvalTypes.js';
import type { GovernanceEvent, RollbackInput } from '../../src/shared/governanceTypes.js';
import { approvePromotionSignal, progressQuery } from '../../src/workflows/definitions.js';
import { signedBy, testSigner, type TestSigner, writePolicyFile } from '../support/approvalKeys.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// Rollbacks and migrations under the worker's approval policy, on a real dev server: a rollback
// moves nothing until signed decisions bound to it (its id, the alias, the versions it leaves and
// goes to, by digest) meet the policy's rollback quorum — here two, while a promotion needs one —
// and is refused the same ways as an approval; a migration's pipeline asks for a signed approval.

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const alice = testSigner('alice', ['ml-lead']);
const bob = testSigner('bob', ['security']);
const mallory = testSigner('mallory', ['ml-lead']);

describe('signed rollbacks and migrations under the approval policy', () => {
  let h: Harness;
  const project = `signed-rb-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const policyPath = join(dir, 'policy.json');
  const where = { project, entity: TEST_WANDB_ENTITY, collection: 'model-metadata' };
  beforeAll(async () => {
    writePolicyFile(policyPath, [alice, bob], { rollback: { approvals: 2 }, maxValidity: '1h' });
    h = await startHarness({}, {}, { approvalPolicy: policyPath });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const awaiting = (workflowId: string, read = approvalRequest) =>
    eventually(
      `${workflowId} awaiting a decision`,
      async () => {
        // A migration starts its pipeline after recording the golden set: not there at first.
        const v = await read(h.client, workflowId).catch(() => undefined);
        return v?.stage === 'awaiting_approval' && v.candidate ? v : undefined;
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
      action: view.action,
      ...over,
    });
  /** A pipeline promoted by alice's signed approval (a promotion's quorum is one here). */
  const promote = async (suffix: string) => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix, wandb: { project }, promotion: { startedBy: 'dave' } }),
      { taskQueue: h.taskQueue },
    );
    const view = await awaiting(started.workflowId);
    await decidePromotion(h.client, started.workflowId, 'approve', {
      by: 'alice',
      signed: sign(alice, view),
    });
    return started.handle.result();
  };
  const versions = () =>
    h.wandb!.state.artifactVersions(TEST_WANDB_ENTITY, project, 'model-metadata');
  const rollbackInput: RollbackInput = {
    ...where,
    alias: 'production',
    by: 'ops',
    reason: 'bad answers',
  };

  it('a rollback needs its own quorum of signatures bound to it; every bad one is refused', async () => {
    const first = await promote('rb-one');
    const second = await promote('rb-two');
    expect(second.approval!.promotion!.replaced).toBe(first.approval!.promotion!.modelVersion);

    // Unsigned: refused at once, nothing moves.
    await expect(rollback(h.client, rollbackInput, { taskQueue: h.taskQueue })).rejects.toThrow(
      /approval policy \(sha256:[0-9a-f]+\) requires a signed rollback/,
    );
    expect(versions().find((v) => v.aliases.includes('production'))!.aliases).toContain(
      second.jobId,
    );

    const workflowId = await startSignedRollback(h.client, rollbackInput, {
      taskQueue: h.taskQueue,
    });
    const view = await rollbackRequest(h.client, workflowId);
    expect(view.action).toBe('rollback');
    expect(view.policy).toMatchObject({ rule: '2 approvals', signers: 2 });
    const from = versions().find((v) => v.aliases.includes(second.jobId))!;
    const to = versions().find((v) => v.aliases.includes(first.jobId))!;
    expect(view.candidate).toMatchObject({
      kind: 'rollback',
      alias: 'production',
      from: { ref: second.approval!.promotion!.modelVersion, digest: from.digest },
      to: { ref: first.approval!.promotion!.modelVersion, digest: to.digest },
    });

    const approve = (by: string, signed?: SignedDecision) =>
      decidePromotion(h.client, workflowId, 'approve', { by, ...(signed ? { signed } : {}) });
    const aliceSigned = sign(alice, view);
    const refusals: [string, () => Promise<unknown>, RegExp][] = [
      ['unsigned', () => approve('alice'), /requires a signed decision/],
      ['unknown key', () => approve('mallory', sign(mallory, view)), /not in the approval policy/],
      [
        'drift',
        () =>
          approve(
            'alice',
            sign(alice, view, {
              candidate: { ...view.candidate!, to: { ref: 'x:v9', digest: 'other' } },
            }),
          ),
        /approval drift: to/,
      ],
      [
        'signed as a promotion',
        () => approve('alice', sign(alice, view, { action: 'promote' })),
        /signed to promote, but this decides a rollback/,
      ],
      [
        'expired',
        () => approve('alice', sign(alice, view, { issuedAt: new Date(Date.now() - 90 * 60_000) })),
        /expired at/,
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

    // One of two: recorded, the rollback keeps waiting; the same decision again is a replay.
    const pending = await decideSignedRollback(h.client, aliceSigned);
    expect(pending.result).toBeUndefined();
    expect(pending.reply.pending).toMatchObject({ have: ['alice'], missing: ['1 more approval'] });
    await expect(approve('alice', aliceSigned)).rejects.toThrow(/replayed/);
    // A signal without a signature is kept as unverified and moves nothing.
    await h.client.workflow.getHandle(workflowId).signal(approvePromotionSignal, { by: 'bob' });
    const still = await eventually('unverified signal recorded', async () => {
      const v = await approvalRequest(h.client, workflowId);
      return v.quorum && v.stage === 'awaiting_approval' ? v : undefined;
    });
    expect(still.quorum!.have).toEqual(['alice']);
    expect(versions().find((v) => v.aliases.includes('production'))!.aliases).toContain(
      second.jobId,
    );

    const done = await decideSignedRollback(h.client, sign(bob, view), workflowId);
    expect(done.reply.decision).toMatchObject({ by: 'alice, bob', verified: true });
    expect(done.result!.model).toEqual({
      ref: first.approval!.promotion!.modelVersion,
      replaced: second.approval!.promotion!.modelVersion,
    });
    const back = versions().find((v) => v.aliases.includes(first.jobId))!;
    expect(back.aliases).toContain('production');
    const entry = (back.metadata!.governanceLog as GovernanceEvent[]).find(
      (e) => e.kind === 'rollback_to' && e.workflowId === workflowId,
    )!;
    expect(entry).toMatchObject({ by: 'alice, bob', reason: 'bad answers' });
    expect(entry.signed?.policyDigest).toBe(view.policy!.digest);
    expect(entry.signed?.decisions).toEqual([aliceSigned, expect.anything()]);

    // `lineage --verify` re-checks both rollback signatures and that they went to this version.
    const verified = await verifyModelLineage(
      h.client,
      first.jobId,
      { ...where, taskQueue: h.taskQueue },
      { currentPolicyFile: policyPath },
    );
    expect(verified.verification.problems).toEqual([]);
    expect(verified.verification.entries.map((e) => e.kind)).toEqual(['promoted', 'rollback_to']);
  });

  it('a signed rejection of a rollback ends it; nothing moves', async () => {
    const workflowId = await startSignedRollback(
      h.client,
      { ...rollbackInput, to: 'v1' },
      { taskQueue: h.taskQueue },
    );
    const view = await rollbackRequest(h.client, workflowId);
    const holder = versions().find((v) => v.aliases.includes('production'))!;
    await decidePromotion(h.client, workflowId, 'reject', {
      by: 'bob',
      signed: sign(bob, view, { decision: 'reject' }),
    });
    await expect(h.client.workflow.getHandle(workflowId).result()).rejects.toThrow();
    expect(versions().find((v) => v.aliases.includes('production'))!.id).toBe(holder.id);
  });

  it('a migration’s pipeline follows the policy: unsigned refused, a signed approval promotes', async () => {
    const m = await startMigration(h.client, {
      from: 'production',
      project,
      collection: 'model-metadata',
      sourceTaskQueue: h.taskQueue,
      targetTaskQueue: h.taskQueue,
      minAgreement: 0.1,
      promotion: { startedBy: 'dave' },
      wait: FAST,
    });
    const view = await awaiting(m.pipelineWorkflowId);
    expect(view.policy?.rule).toBe('1 approval');
    await expect(
      decidePromotion(h.client, m.pipelineWorkflowId, 'approve', { by: 'alice' }),
    ).rejects.toThrow(/requires a signed decision/);
    const p = await h.client.workflow.getHandle(m.pipelineWorkflowId).query(progressQuery);
    expect(p.stage).toBe('awaiting_approval');
    const reply = await decidePromotion(h.client, m.pipelineWorkflowId, 'approve', {
      by: 'alice',
      signed: sign(alice, view),
    });
    expect(reply.decision).toMatchObject({ by: 'alice', verified: true });
    const result = await m.handle.result();
    expect(result.pipeline.stage).toBe('promoted');
  });
});
