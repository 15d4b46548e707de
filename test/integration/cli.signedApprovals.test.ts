import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineageVerification } from '../../src/approvals/index.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { approvalRequest } from '../../src/client/signedDecision.js';
import type { DecisionReply } from '../../src/shared/promotionTypes.js';
import { testSigner, type TestSigner } from '../support/approvalKeys.js';
import { runCli } from '../cli/support/runCli.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import { wandbClientFor } from './support/wandbHelpers.js';

// Signed approvals as people run them, through the real `finetune` process: one approver prints
// the payload, signs it with the real ssh-keygen elsewhere and sends the signature back; another
// signs with --sign; the promoted version then verifies with `lineage --verify` (and offline from
// a saved lineage), reports a key removed from the policy since, and fails loudly once its W&B
// metadata is tampered with.

const PROJECT = 'OpenAI-Fine-Tune';
const alice = testSigner('alice', ['ml-lead']);
const bob = testSigner('bob', ['security']);
const mallory = testSigner('mallory', ['ml-lead']);
const sshKeygen = spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' });
const HAVE_SSH_KEYGEN = !sshKeygen.error;

const policyJson = (signers: TestSigner[], approvals: number) =>
  JSON.stringify({
    version: 1,
    signers: signers.map((s) => ({ principal: s.principal, roles: s.roles, key: s.publicKey })),
    promote: { approvals },
    maxValidity: '2h',
  });

describe('finetune approve --sign / --print-payload / --signature and lineage --verify', () => {
  let h: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'signed-cli-'));
  const policyPath = join(dir, 'policy.json');
  const keyFile = (s: TestSigner) => {
    const path = join(dir, `${s.principal}_ed25519`);
    writeFileSync(path, s.privateKeyFile);
    chmodSync(path, 0o600); // ssh-keygen refuses a key others can read
    writeFileSync(`${path}.pub`, `${s.publicKey}\n`);
    return path;
  };
  beforeAll(async () => {
    writeFileSync(policyPath, policyJson([alice, bob], 2));
    h = await startHarness({}, {}, { approvalPolicy: policyPath });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const temporal = () => ['--address', h.temporalAddress];
  const cli = (args: string[]) => runCli(args, { timeoutMs: 90_000 });
  const wandbFlags = () => [
    '--project',
    PROJECT,
    '--entity',
    TEST_WANDB_ENTITY,
    '--task-queue',
    h.taskQueue,
  ];

  it('two approvers decide from two machines’ keys; the version verifies, and its tampering is caught', async () => {
    expect(HAVE_SSH_KEYGEN, 'ssh-keygen is needed to sign as an approver elsewhere would').toBe(
      true,
    );
    const started = await startFineTunePipeline(
      h.client,
      sampleInput({ minPollMs: 300, maxPollMs: 2000 }, { suffix: 'cli-signed', promotion: {} }),
      { taskQueue: h.taskQueue },
    );
    const id = started.workflowId;
    await eventually(
      `${id} awaiting approval`,
      async () => {
        const v = await approvalRequest(h.client, id);
        return v.stage === 'awaiting_approval' && v.candidate ? v : undefined;
      },
      90_000,
    );

    // A key outside the policy cannot even build a payload.
    const outsider = await cli(['approve', id, '--sign', keyFile(mallory), ...temporal()]);
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toMatch(/is not in .*approval policy/);

    // Alice has no CLI access to her key's machine: print, sign there with ssh-keygen, send back.
    const printed = await cli(['approve', id, '--print-payload', '--by', 'alice', ...temporal()]);
    expect(printed.code, printed.stderr).toBe(0);
    const payload = JSON.parse(printed.stdout) as Record<string, unknown>;
    expect(payload).toMatchObject({ workflowId: id, decision: 'approve', approver: 'alice' });
    const payloadFile = join(dir, 'decision.json');
    writeFileSync(payloadFile, printed.stdout);
    const signing = spawnSync(
      'ssh-keygen',
      ['-Y', 'sign', '-n', 'finetune-approval', '-f', keyFile(alice), payloadFile],
      { encoding: 'utf8' },
    );
    expect(signing.status, signing.stderr).toBe(0);
    const first = await cli([
      'approve',
      id,
      '--signature',
      `${payloadFile}.sig`,
      '--json',
      ...temporal(),
    ]);
    expect(first.code, first.stderr).toBe(0);
    const pending = JSON.parse(first.stdout) as DecisionReply;
    expect(pending.decision).toBeUndefined();
    expect(pending.pending).toMatchObject({ have: ['alice'], missing: ['1 more approval'] });
    // The same signature again is a replay, refused by the pipeline.
    const again = await cli(['approve', id, '--signature', `${payloadFile}.sig`, ...temporal()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/refused: .*replayed/);

    // Bob signs in the CLI with his key: the quorum is met and the model promoted.
    const second = await cli(['approve', id, '--sign', keyFile(bob), '--json', ...temporal()]);
    expect(second.code, second.stderr).toBe(0);
    const reply = JSON.parse(second.stdout) as DecisionReply;
    expect(reply.decision).toMatchObject({ by: 'alice, bob', verified: true });
    expect(reply.promotion?.promoted).toBe(true);
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    const version = result.jobId; // lineage starts from the job's model version

    // The version verifies; saved, it verifies again with nothing to contact.
    const ok = await cli([
      'lineage',
      version,
      '--verify',
      '--policy',
      policyPath,
      ...wandbFlags(),
      ...temporal(),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/verified .* every signature, the policy and the chain/);
    expect(ok.stdout).toMatch(/ok {2}approve by alice \(ml-lead, SHA256:/);
    expect(ok.stdout).toMatch(/ok {2}approve by bob \(security, SHA256:/);
    const saved = await cli(['lineage', version, '--json', ...wandbFlags(), ...temporal()]);
    expect(saved.code, saved.stderr).toBe(0);
    const savedFile = join(dir, 'lineage.json');
    writeFileSync(savedFile, saved.stdout);
    const offline = await cli([
      'lineage',
      version,
      '--verify',
      '--from',
      savedFile,
      '--policy',
      policyPath,
      '--address',
      '127.0.0.1:1', // nothing listens there: --from must not connect
    ]);
    expect(offline.code, offline.stderr).toBe(0);

    // Bob's key leaves the policy: his past approval is still valid, and the removal is reported.
    const today = join(dir, 'today.json');
    writeFileSync(today, policyJson([alice, mallory], 1));
    const removed = await cli([
      'lineage',
      version,
      '--verify',
      '--policy',
      today,
      '--json',
      ...wandbFlags(),
      ...temporal(),
    ]);
    expect(removed.code, removed.stderr).toBe(0);
    const rv = (JSON.parse(removed.stdout) as { verification: LineageVerification }).verification;
    expect(rv.entries[0]!.decisions.map((d) => [d.approver, d.keyRemovedSince ?? false])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);
    expect(rv.warnings.join('\n')).toMatch(/bob's key .* removed from the approval policy since/);

    // Someone with W&B write access points the approved version at another model.
    const wandb = wandbClientFor(h);
    const model = h
      .wandb!.state.artifactVersions(TEST_WANDB_ENTITY, PROJECT, 'model-metadata')
      .find((v) => v.aliases.includes(result.jobId))!;
    await wandb.updateArtifactMetadata(model.id, {
      ...model.metadata,
      fine_tuned_model: 'ft:gpt-4.1-mini:evil::swapped',
    });
    const tampered = await cli([
      'lineage',
      version,
      '--verify',
      '--policy',
      policyPath,
      ...wandbFlags(),
      ...temporal(),
    ]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/FAILED .* 1 problem/);
    expect(tampered.stdout).toMatch(
      /model fineTunedModel: signed \S+, the version says ft:gpt-4.1-mini:evil::swapped/,
    );
    expect(tampered.stderr).toMatch(/VERIFICATION FAILED/);
    // And a signature edited in the log: the signed text no longer matches its signature.
    const saved2 = JSON.parse(readFileSync(savedFile, 'utf8')) as {
      wandb: { log: { signed?: { decisions: { payload: string }[] } }[] };
    };
    const entry = saved2.wandb.log.find((e) => e.signed)!;
    entry.signed!.decisions[1]!.payload = entry.signed!.decisions[1]!.payload.replace(
      '"security"',
      '"ml-lead"',
    );
    writeFileSync(savedFile, JSON.stringify(saved2));
    const edited = await cli(['lineage', version, '--verify', '--from', savedFile]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/bob's approve: the signature does not verify/);
  });
});
