import { describe, expect, it } from 'vitest';
import { verifyLineage } from '../../../src/approvals/index.js';
import type { LineageReport } from '../../../src/shared/governanceTypes.js';
import { policyFor } from '../../support/approvalKeys.js';
import {
  alice,
  AT,
  bob,
  gates,
  loaded,
  mallory,
  report,
  sign,
} from '../../support/signedLineage.js';

// The offline re-check of a model version's signed decisions: a faithful record verifies, and
// each kind of tampering with the metadata (or the signatures, or the stored policy) is named.

const problemsOf = (r: LineageReport) => verifyLineage(r, loaded.policy).problems.join('\n');

describe('verifyLineage', () => {
  it('a faithful record verifies: both signatures, the policy, the quorum, the chain', () => {
    const v = verifyLineage(report(), loaded.policy);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.entries[0]!.decisions.map((d) => [d.approver, d.keyFingerprint])).toEqual([
      ['alice', alice.key.publicKey.fingerprint],
      ['bob', bob.key.publicKey.fingerprint],
    ]);
    expect(v.warnings).toEqual([]);
  });

  it('catches a tampered model version: another model id, digest, dataset or gate results', () => {
    const swapped = report();
    swapped.model.fineTunedModel = 'ft:gpt-4.1-mini:evil::xyz';
    expect(problemsOf(swapped)).toMatch(/fineTunedModel: signed ft:gpt-4.1-mini:acme::abc/);
    const files = report();
    files.model.digest = 'other';
    expect(problemsOf(files)).toMatch(/model digest: signed d1g35t, the version says other/);
    const data = report();
    data.datasets[0]!.digest = 'bb22';
    expect(problemsOf(data)).toMatch(/dataset training .*signed digest aa11.*says bb22/);
    const extra = report();
    extra.datasets.push({ ...extra.datasets[0]!, role: 'validation', ref: 'team/proj/val:v1' });
    expect(problemsOf(extra)).toMatch(/dataset validation .*not in what was signed/);
    const g = report();
    g.gates = [{ ...gates[0]!, verdict: 'warn' }];
    expect(problemsOf(g)).toMatch(/gate results/);
    const other = report();
    other.model.ref = 'team/proj/model-metadata:v4';
    expect(problemsOf(other)).toMatch(/signed for model version .*v3, not .*v4/);
  });

  it('catches an edited signed text, a swapped signature, a forged name and a lost quorum', () => {
    const good = sign(alice);
    const edited = { ...good, payload: good.payload.replace('"approve"', '"reject"') };
    expect(problemsOf(report([edited, sign(bob)]))).toMatch(/does not verify/);
    expect(problemsOf(report([edited, sign(bob)]))).toMatch(/do not meet the quorum/);
    expect(problemsOf(report([sign(mallory), sign(bob)], 'mallory, bob'))).toMatch(
      /key SHA256:\S+ is not in the policy/,
    );
    expect(problemsOf(report([sign(alice)], 'alice'))).toMatch(/1 more approval missing/);
    expect(problemsOf(report([sign(alice), sign(bob)], 'alice, carol'))).toMatch(
      /the log says approved by "alice, carol"/,
    );
    const gone = report();
    delete gone.log[0]!.signed;
    expect(problemsOf(gone)).toMatch(/no signed decision: they were removed/);
  });

  it('catches an altered stored policy (the digest no longer names it)', () => {
    const r = report();
    r.approvalPolicies![loaded.digest] = {
      ...loaded.policy,
      promote: { approvals: 1 },
    };
    expect(problemsOf(r)).toMatch(/stored policy .* was altered/);
  });

  it('reports a key removed from the policy since, without failing the past decision', () => {
    const today = policyFor([alice, mallory], { promote: { approvals: 1 } }).policy;
    const v = verifyLineage(report(), today);
    expect(v.ok).toBe(true);
    expect(v.entries[0]!.decisions[1]).toMatchObject({ approver: 'bob', keyRemovedSince: true });
    expect(v.warnings.join('\n')).toMatch(
      /bob's key SHA256:\S+ has been removed from the approval policy since/,
    );
    expect(verifyLineage(report()).warnings.join()).toMatch(/no current policy given/);
  });

  it('fails a version promoted without a policy: nothing on it is verified', () => {
    const r = report();
    delete r.log[0]!.signed;
    r.approvalPolicies = {};
    const v = verifyLineage(r, loaded.policy);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatch(
      /promoted \(2026-12-07T12:00:00.000Z, by "alice, bob"\) without an approval policy/,
    );
    r.log = [];
    expect(verifyLineage(r).problems[0]).toMatch(/never promoted or rejected under an approval/);
  });
});

describe('verifyLineage of a signed rejection', () => {
  const rejection = (decisions: ReturnType<typeof sign>[], by: string): LineageReport => {
    const r = report();
    r.promotion = null;
    r.log = [
      {
        id: 'wf-1/reject:rejected',
        kind: 'rejected',
        alias: 'candidate',
        at: AT,
        by,
        how: 'update',
        workflowId: 'wf-1',
        signed: { policyDigest: loaded.digest, decisions },
      },
    ];
    return r;
  };

  it('one verified signed rejection is enough (no quorum), and its name must match', () => {
    const v = verifyLineage(rejection([sign(bob, { decision: 'reject' })], 'bob'), loaded.policy);
    expect(v.problems).toEqual([]);
    expect(v.entries[0]).toMatchObject({ kind: 'rejected', decisions: [{ decision: 'reject' }] });
    expect(problemsOf(rejection([sign(bob, { decision: 'reject' })], 'alice'))).toMatch(
      /the log says rejected by "alice", the signatures are bob's/,
    );
  });

  it('a rejection by the timeout keeps the approvals that fell short, verified', () => {
    const r = rejection([sign(alice)], 'timeout');
    r.log[0]!.how = 'timeout';
    const v = verifyLineage(r, loaded.policy);
    expect(v.problems).toEqual([]);
    expect(v.entries[0]!.decisions).toMatchObject([{ approver: 'alice', decision: 'approve' }]);
  });

  it('an approval logged as a rejection is not one', () => {
    expect(problemsOf(rejection([sign(bob)], 'bob'))).toMatch(/no verified signed rejection/);
  });
});
