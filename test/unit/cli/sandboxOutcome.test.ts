import { describe, expect, it } from 'vitest';
import { renderOutcome } from '../../../src/cli/commands/sandbox.js';
import type { SandboxResult } from '../../../src/sandbox/run.js';

// The sandbox's closing lines say whether the approval proves anything: names as typed without a
// policy (with the note), signed and re-verified with --signed.

const base = {
  status: 'succeeded',
  stage: 'promoted',
  fineTunedModel: 'ft:x',
  wallMs: 1000,
  decision: { decision: 'approve', by: 'sandbox', how: 'auto', at: 'now', verified: false },
  promotion: null,
} as unknown as SandboxResult;

describe('sandbox closing lines', () => {
  it('without a policy: the name as typed, with the note that it is not verified', () => {
    expect(renderOutcome(base, false)).toMatch(
      /approved by sandbox \(auto, name as typed, not verified: no approval policy \(try --signed\)\)/,
    );
  });

  it('--signed: signed and verified, the key, and lineage --verify passing or each problem', () => {
    const signed = {
      ...base,
      decision: { ...base.decision!, by: 'ana', how: 'update', verified: true },
      signed: {
        approver: 'ana',
        keyFile: '.sandbox/signing/approver_ed25519',
        fingerprint: 'SHA256:abc',
        policyFile: '.sandbox/signing/approval-policy.json',
        policyDigest: 'sha256:1',
        verified: true,
        problems: [],
      },
    } as SandboxResult;
    const text = renderOutcome(signed, false);
    expect(text).toMatch(/approved by ana \(update, signed, verified\)/);
    expect(text).toMatch(/signed with \.sandbox\/signing\/approver_ed25519 \(SHA256:abc\)/);
    expect(text).toMatch(/lineage --verify: OK/);
    const failed = renderOutcome(
      { ...signed, signed: { ...signed.signed!, verified: false, problems: ['model digest: x'] } },
      false,
    );
    expect(failed).toMatch(/lineage --verify: FAILED\n {2}model digest: x/);
  });
});
