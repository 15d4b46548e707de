import { describe, expect, it } from 'vitest';
import { checkSignedDecision, quorumOf, type DeskFacts } from '../../../src/approvals/index.js';
import { parsePolicy } from '../../../src/approvals/policySchema.js';
import type { CandidateIdentity } from '../../../src/shared/approvalTypes.js';
import { policyFor, signedBy, testSigner } from '../../support/approvalKeys.js';

const alice = testSigner('alice', ['ml-lead']);
const bob = testSigner('bob', ['security']);
const mallory = testSigner('mallory', ['ml-lead']);
const policy = policyFor([alice, bob], { promote: { approvals: 2 }, maxValidityMs: 2 * 3_600_000 });
const candidate: CandidateIdentity = { kind: 'fine-tune', jobId: 'ftjob-1', modelDigest: 'abc' };
const NOW = Date.parse('2026-12-07T12:00:00Z');

const facts = (over: Partial<DeskFacts> = {}): DeskFacts => ({
  workflowId: 'wf-1',
  action: 'promote',
  policy,
  candidate,
  nowMs: NOW,
  nonces: new Set(),
  approvedBy: new Set(),
  startedBy: 'carol',
  ...over,
});
const sign = (who = alice, over: Partial<Parameters<typeof signedBy>[1]> = {}) =>
  signedBy(who, {
    workflowId: 'wf-1',
    candidate,
    policyDigest: policy.digest,
    issuedAt: new Date(NOW - 60_000),
    ...over,
  });
const reason = (f: DeskFacts, s = sign(), decision: 'approve' | 'reject' = 'approve') => {
  const r = checkSignedDecision(f, decision, s);
  return r.ok ? 'ok' : r.reason;
};

describe('checkSignedDecision', () => {
  it('takes a decision signed by a policy key, for this pipeline, candidate and policy, in time', () => {
    const r = checkSignedDecision(facts(), 'approve', sign());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.decision.payload.approver).toBe('alice');
      expect(r.decision.keyFingerprint).toBe(alice.key.publicKey.fingerprint);
    }
  });

  it('refuses each kind of bad decision, saying which', () => {
    expect(reason(facts(), sign(mallory))).toMatch(/key that is not in the approval policy/);
    expect(reason(facts(), sign(alice, { approver: 'bob' }))).toMatch(/the key is alice's/);
    expect(reason(facts(), sign(alice, { role: 'security' }))).toMatch(
      /does not hold role "security"/,
    );
    expect(reason(facts(), sign(alice, { policyDigest: 'sha256:00' }))).toMatch(
      /another approval policy/,
    );
    expect(reason(facts(), sign(alice, { workflowId: 'wf-2' }))).toMatch(
      /another pipeline \(wf-2\)/,
    );
    expect(reason(facts(), sign(alice, { action: 'rollback' }))).toMatch(/signed to rollback/);
    expect(reason(facts(), sign(), 'reject')).toMatch(/signed to approve, but sent as reject/);
    expect(reason(facts({ candidate: { ...candidate, modelDigest: 'changed' } }))).toMatch(
      /approval drift: modelDigest: signed "abc", now "changed"/,
    );
    expect(reason(facts({ candidate: null }))).toMatch(/no candidate/);
    expect(reason(facts({ nowMs: NOW + 2 * 3_600_000 }))).toMatch(/expired at/);
    expect(reason(facts(), sign(alice, { issuedAt: new Date(NOW + 3_600_000) }))).toMatch(
      /in the future/,
    );
    expect(reason(facts(), sign(alice, { validForMs: 3 * 3_600_000 }))).toMatch(
      /longer than the policy allows/,
    );
    expect(reason(facts({ nonces: new Set(['n-1']) }), sign(alice, { nonce: 'n-1' }))).toMatch(
      /replayed/,
    );
    expect(reason(facts({ startedBy: 'alice' }))).toMatch(
      /started this pipeline and may not approve/,
    );
    expect(reason(facts({ approvedBy: new Set(['alice']) }))).toMatch(/approved already/);
  });

  it('refuses a payload changed after signing, and an unreadable signature', () => {
    const s = sign();
    const changed = { ...s, payload: s.payload.replace('"approve"', '"reject"') };
    expect(reason(facts(), changed, 'reject')).toMatch(/does not verify/);
    expect(reason(facts(), { ...s, signature: 'x' })).toMatch(/unreadable/);
  });

  it('a starter may reject their own pipeline; self-approval is allowed when the policy says so', () => {
    expect(
      reason(facts({ startedBy: 'alice' }), sign(alice, { decision: 'reject' }), 'reject'),
    ).toBe('ok');
    const lax = policyFor([alice, bob], { selfApproval: true });
    expect(
      reason(facts({ policy: lax, startedBy: 'alice' }), sign(alice, { policyDigest: lax.digest })),
    ).toBe('ok');
  });
});

describe('quorumOf', () => {
  it('counts each principal once, and one per required role', () => {
    expect(quorumOf({ approvals: 2 }, [{ approver: 'a', role: 'x' }])).toMatchObject({
      met: false,
      missing: ['1 more approval'],
      rule: '2 approvals',
    });
    expect(
      quorumOf({ approvals: 2 }, [
        { approver: 'a', role: 'x' },
        { approver: 'b', role: 'x' },
      ]).met,
    ).toBe(true);
    const roles = { roles: ['ml-lead', 'security'] };
    expect(quorumOf(roles, [{ approver: 'a', role: 'ml-lead' }])).toMatchObject({
      met: false,
      missing: ['role security'],
      rule: 'one each of roles ml-lead, security',
    });
    expect(
      quorumOf(roles, [
        { approver: 'a', role: 'ml-lead' },
        { approver: 'b', role: 'security' },
      ]).met,
    ).toBe(true);
    expect(quorumOf({}, []).missing).toEqual(['1 more approval']);
  });
});

describe('parsePolicy', () => {
  const file = (over: object = {}) =>
    JSON.stringify({
      version: 1,
      signers: [
        { principal: 'alice', roles: ['ml-lead'], key: alice.publicKey },
        { principal: 'bob', roles: ['security'], key: bob.publicKey },
      ],
      promote: { approvals: 2 },
      rollback: { approvals: 1 },
      maxValidity: '12h',
      ...over,
    });

  it('normalises a good file (maxValidity in ms) and names every problem of a bad one', () => {
    const p = parsePolicy(file(), 'policy.json');
    expect(p.maxValidityMs).toBe(12 * 3_600_000);
    expect(p.rollback).toEqual({ approvals: 1 });
    expect(() => parsePolicy(file({ promote: { approvals: 3 } }), 'p.json')).toThrow(
      /promote: 3 approvals but only 2 principal/,
    );
    expect(() => parsePolicy(file({ promote: { roles: ['auditor'] } }), 'p.json')).toThrow(
      /nobody holds role "auditor"/,
    );
    expect(() => parsePolicy(file({ maxValidity: 'forever' }), 'p.json')).toThrow(/maxValidity/);
    expect(() =>
      parsePolicy(
        file({ signers: [{ principal: 'x', roles: ['r'], key: 'ssh-rsa AAAAB3Nza' }] }),
        'p.json',
      ),
    ).toThrow(/signers\.0\.key/);
    expect(() => parsePolicy('{', 'p.json')).toThrow(/p\.json is not JSON/);
  });
});
