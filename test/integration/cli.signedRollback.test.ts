import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { decidePromotion } from '../../src/client/promotion.js';
import { approvalRequest } from '../../src/client/signedDecision.js';
import type { SignedRollbackOutcome } from '../../src/client/signedRollback.js';
import type { DecisionPayload } from '../../src/shared/approvalTypes.js';
import type { DecisionReply } from '../../src/shared/promotionTypes.js';
import { signedBy, testSigner, type TestSigner, writePolicyFile } from '../support/approvalKeys.js';
import { runCli } from '../cli/support/runCli.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// `finetune rollback` under an approval policy, as people run it: refused unsigned; the payload
// printed, signed elsewhere with ssh-keygen and sent back (one of the two the rollback quorum
// needs: exit 3); a second signer through `approve --sign`; the version rolled back to verifies.

const PROJECT = 'OpenAI-Fine-Tune';
const alice = testSigner('alice', ['ml-lead']);
const bob = testSigner('bob', ['security']);

describe('finetune rollback --sign / --print-payload / --signature', () => {
  let h: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'signed-rollback-cli-'));
  const policyPath = join(dir, 'policy.json');
  const keyFile = (s: TestSigner) => {
    const path = join(dir, `${s.principal}_ed25519`);
    writeFileSync(path, s.privateKeyFile);
    chmodSync(path, 0o600);
    writeFileSync(`${path}.pub`, `${s.publicKey}\n`);
    return path;
  };
  beforeAll(async () => {
    writePolicyFile(policyPath, [alice, bob], { rollback: { approvals: 2 }, maxValidity: '2h' });
    h = await startHarness({}, {}, { approvalPolicy: policyPath });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const temporal = () => ['--address', h.temporalAddress];
  const wandb = () => [
    '--project',
    PROJECT,
    '--entity',
    TEST_WANDB_ENTITY,
    '--task-queue',
    h.taskQueue,
  ];
  const cli = (args: string[]) => runCli(args, { timeoutMs: 90_000 });
  const promote = async (suffix: string) => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput({ minPollMs: 300, maxPollMs: 2000 }, { suffix, promotion: {} }),
      { taskQueue: h.taskQueue },
    );
    const view = await eventually(
      `${started.workflowId} awaiting approval`,
      async () => {
        const v = await approvalRequest(h.client, started.workflowId).catch(() => undefined);
        return v?.stage === 'awaiting_approval' && v.candidate ? v : undefined;
      },
      90_000,
    );
    await decidePromotion(h.client, started.workflowId, 'approve', {
      by: 'alice',
      signed: signedBy(alice, {
        workflowId: view.workflowId,
        candidate: view.candidate!,
        policyDigest: view.policy!.digest,
      }),
    });
    return started.handle.result();
  };

  it('unsigned is refused; printed, signed elsewhere and by --sign, it rolls back and verifies', async () => {
    const first = await promote('cli-rb-one');
    await promote('cli-rb-two');

    const unsigned = await cli([
      'rollback',
      '--by',
      'ops',
      '--reason',
      'x',
      ...wandb(),
      ...temporal(),
    ]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/requires a signed rollback: finetune rollback --sign/);

    const printed = await cli([
      'rollback',
      '--reason',
      'bad answers',
      '--print-payload',
      '--by',
      'alice',
      ...wandb(),
      ...temporal(),
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    const payload = JSON.parse(printed.stdout) as DecisionPayload;
    expect(payload).toMatchObject({ action: 'rollback', decision: 'approve', approver: 'alice' });
    expect(payload.candidate).toMatchObject({ kind: 'rollback', alias: 'production' });
    const payloadFile = join(dir, 'rollback.json');
    writeFileSync(payloadFile, printed.stdout);
    const signing = spawnSync(
      'ssh-keygen',
      ['-Y', 'sign', '-n', 'finetune-approval', '-f', keyFile(alice), payloadFile],
      { encoding: 'utf8' },
    );
    expect(signing.status, signing.stderr).toBe(0);

    // One of two: exit 3, waiting, with how others sign.
    const sent = await cli([
      'rollback',
      '--signature',
      `${payloadFile}.sig`,
      '--json',
      ...temporal(),
    ]);
    expect(sent.code, sent.stderr).toBe(3);
    const pending = JSON.parse(sent.stdout) as SignedRollbackOutcome;
    expect(pending.workflowId).toBe(payload.workflowId);
    expect(pending.reply.pending).toMatchObject({ have: ['alice'], missing: ['1 more approval'] });

    const second = await cli([
      'approve',
      payload.workflowId,
      '--sign',
      keyFile(bob),
      '--json',
      ...temporal(),
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as DecisionReply).decision).toMatchObject({
      by: 'alice, bob',
      verified: true,
    });
    await h.client.workflow.getHandle(payload.workflowId).result();

    const verified = await cli([
      'lineage',
      first.jobId,
      '--verify',
      '--policy',
      policyPath,
      ...wandb(),
      ...temporal(),
    ]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/rollback_to/);

    // --sign alone: one signature of two, the rollback waits (exit 3) and says how to add one.
    const signed = await cli([
      'rollback',
      '--reason',
      'forward again',
      '--to',
      'v1',
      '--sign',
      keyFile(bob),
      ...wandb(),
      ...temporal(),
    ]);
    expect(signed.code, signed.stderr).toBe(3);
    expect(signed.stdout).toMatch(
      /waits for signatures \(2 approvals\): signed by bob; missing 1 more approval\n {2}others sign with: finetune approve rollbackPromotion-/,
    );
  });
});
