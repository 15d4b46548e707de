import { describe, expect, it } from 'vitest';
import { digestOf, ruleFor, verifyLineage } from '../../../src/approvals/index.js';
import type { CandidateIdentity } from '../../../src/shared/approvalTypes.js';
import type { GovernanceEvent, LineageReport } from '../../../src/shared/governanceTypes.js';
import { signedBy } from '../../support/approvalKeys.js';
import { alice, AT, bob, loaded, MODEL, report } from '../../support/signedLineage.js';

// Signed rollbacks: the policy's own rollback quorum (else promotion's), and `lineage --verify`
// checking that a signed rollback to a version really went to it, from what the log says.

describe('ruleFor', () => {
  it('a rollback follows its own quorum when the policy states one, else the promotion’s', () => {
    const { policy } = loaded;
    expect(ruleFor(policy, 'rollback')).toEqual(policy.promote);
    expect(ruleFor({ ...policy, rollback: { approvals: 1 } }, 'rollback')).toEqual({
      approvals: 1,
    });
    expect(ruleFor({ ...policy, rollback: { approvals: 1 } }, 'promote')).toEqual(policy.promote);
  });
});

const LEFT = 'team/proj/model-metadata:v4';
const rollbackTo = (over: Partial<CandidateIdentity> = {}): CandidateIdentity => ({
  kind: 'rollback',
  collection: 'model-metadata',
  alias: 'production',
  from: { ref: LEFT, digest: 'v4digest' },
  to: { ref: MODEL, digest: 'd1g35t' },
  datasets: [],
  ...over,
});

/** The version's report after a 2-of-2 signed rollback back to it (alice and bob). */
function rolledBack(candidate = rollbackTo(), replaced: string | null = LEFT): LineageReport {
  const r = report();
  const decisions = [alice, bob].map((who) =>
    signedBy(who, {
      workflowId: 'rb-1',
      action: 'rollback',
      candidate,
      policyDigest: loaded.digest,
      issuedAt: new Date(Date.parse(AT) + 60_000),
    }),
  );
  const entry: GovernanceEvent = {
    id: 'rb-1:rollback_to',
    kind: 'rollback_to',
    alias: 'production',
    at: new Date(Date.parse(AT) + 120_000).toISOString(),
    by: 'alice, bob',
    how: 'rollback',
    workflowId: 'rb-1',
    replaced,
    signed: { policyDigest: loaded.digest, decisions },
  };
  r.log.push(entry);
  return r;
}

describe('verifyLineage of a signed rollback', () => {
  it('a faithful rollback to this version verifies with the promotion before it', () => {
    const v = verifyLineage(rolledBack(), loaded.policy);
    expect(v.problems).toEqual([]);
    expect(v.entries.map((e) => [e.kind, e.decisions.length])).toEqual([
      ['promoted', 2],
      ['rollback_to', 2],
    ]);
    expect(digestOf(rollbackTo())).toMatch(/^sha256:/);
  });

  it('catches a rollback signed for another version, digest or alias, or one that left another', () => {
    const problems = (r: LineageReport) => verifyLineage(r, loaded.policy).problems.join('\n');
    expect(
      problems(rolledBack(rollbackTo({ to: { ref: 'team/proj/model-metadata:v1', digest: 'x' } }))),
    ).toMatch(/signed to go to team\/proj\/model-metadata:v1, not team\/proj\/model-metadata:v3/);
    const files = rolledBack();
    files.model.digest = 'tampered';
    expect(problems(files)).toMatch(
      /the rollback was signed for d1g35t, the version says tampered/,
    );
    expect(problems(rolledBack(rollbackTo(), 'team/proj/model-metadata:v7'))).toMatch(
      /signed to leave team\/proj\/model-metadata:v4, the log says it left/,
    );
    expect(problems(rolledBack(rollbackTo({ alias: 'staging' })))).toMatch(
      /signed for alias staging, the log says production/,
    );
  });

  it('a rollback short of its quorum (by default the promotion’s) fails verification', () => {
    const r = rolledBack();
    r.log[1]!.signed!.decisions.pop();
    r.log[1]!.by = 'alice';
    expect(verifyLineage(r, loaded.policy).problems.join('\n')).toMatch(
      /do not meet the quorum \(2 approvals\): 1 more approval missing/,
    );
  });
});
