import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_NAMESPACE,
  buildPayload,
  checkSignedDecision,
  EncryptedKeyError,
  loadedPolicy,
  parsePrivateKey,
  payloadText,
  signPayload,
} from '../../src/approvals/index.js';
import type { CandidateIdentity } from '../../src/shared/approvalTypes.js';
import { testSigner } from '../support/approvalKeys.js';

// Interop with the real OpenSSH (`ssh-keygen -Y sign|verify`), both ways: what it signs we
// verify, what we sign it verifies. A subprocess, hence this tier and not unit.

const dir = mkdtempSync(join(tmpdir(), 'sshsig-'));
const keygen = (args: string[], input?: string) =>
  spawnSync('ssh-keygen', args, { input, encoding: 'utf8', cwd: dir });

function newKey(name: string, passphrase = ''): { file: string; pub: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim() };
}

const candidate: CandidateIdentity = {
  kind: 'fine-tune',
  jobId: 'ftjob-x',
  gatesDigest: 'sha256:1',
};

describe('signed approvals and OpenSSH', () => {
  it('ssh-keygen -Y sign → our verifier takes the decision', () => {
    const k = newKey('alice');
    const loaded = loadedPolicy(
      {
        version: 1,
        signers: [{ principal: 'alice', roles: ['ml-lead'], key: k.pub }],
        promote: { approvals: 1 },
        maxValidityMs: 86_400_000,
      },
      'test',
    );
    const payload = payloadText(
      buildPayload({
        workflowId: 'wf-ssh',
        action: 'promote',
        decision: 'approve',
        candidate,
        policyDigest: loaded.digest,
        approver: 'alice',
        role: 'ml-lead',
        issuedAt: new Date(),
        validForMs: 3_600_000,
        nonce: 'n-ssh-1',
      }),
    );
    const file = join(dir, 'payload.json');
    writeFileSync(file, payload);
    const signed = keygen(['-Y', 'sign', '-n', APPROVAL_NAMESPACE, '-f', k.file, file]);
    expect(signed.status, signed.stderr).toBe(0);
    const signature = readFileSync(`${file}.sig`, 'utf8');
    const r = checkSignedDecision(
      {
        workflowId: 'wf-ssh',
        action: 'promote',
        policy: loaded,
        candidate,
        nowMs: Date.now(),
        nonces: new Set(),
        approvedBy: new Set(),
      },
      'approve',
      { payload, signature },
    );
    expect(r).toMatchObject({ ok: true });
  });

  it('our signer → ssh-keygen -Y verify accepts it; a changed payload it rejects', () => {
    const k = newKey('bob');
    const key = parsePrivateKey(readFileSync(k.file, 'utf8'));
    const payload = buildPayload({
      workflowId: 'wf-ssh',
      action: 'promote',
      decision: 'approve',
      candidate,
      policyDigest: 'sha256:p',
      approver: 'bob',
      role: 'security',
      issuedAt: new Date(),
      validForMs: 3_600_000,
      nonce: 'n-ssh-2',
    });
    const s = signPayload(payload, key);
    const allowed = join(dir, 'allowed_signers');
    writeFileSync(allowed, `bob ${k.pub}\n`);
    const sig = join(dir, 'ours.sig');
    writeFileSync(sig, s.signature);
    const verify = (message: string) =>
      keygen(
        ['-Y', 'verify', '-f', allowed, '-I', 'bob', '-n', APPROVAL_NAMESPACE, '-s', sig],
        message,
      );
    const ok = verify(s.payload);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Good "finetune-approval" signature for bob/);
    expect(verify(s.payload.replace('approve', 'reject')).status).not.toBe(0);
  });

  it('a passphrase-protected key is not read here: it is signed by ssh-keygen', () => {
    const k = newKey('carol', 'a passphrase');
    expect(() => parsePrivateKey(readFileSync(k.file, 'utf8'))).toThrow(EncryptedKeyError);
    // A test key from our own generator reads the same way ssh-keygen's does.
    expect(parsePrivateKey(testSigner('dave', ['x']).privateKeyFile).comment).toBe('dave@test');
  });
});
