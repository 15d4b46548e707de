import type {
  ApprovalAction,
  CandidateIdentity,
  DecisionPayload,
  LoadedPolicy,
  SignedDecision,
} from '../shared/approvalTypes.js';
import { canonicalJson, digestOf, utf8ToBytes } from './bytes.js';
import { parsePayload } from './payload.js';
import { signerOf } from './policy.js';
import { APPROVAL_NAMESPACE, parseSshSignature, verifySshSignature } from './sshsig.js';

// One signed decision checked against the pipeline: pure and deterministic (workflow time is
// passed in), so the Update validator, the handler, the signals and replay all agree.

/** How far a signer's clock may run ahead of the workflow's. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface DeskFacts {
  workflowId: string;
  action: ApprovalAction;
  policy: LoadedPolicy;
  /** Null until the candidate is known. */
  candidate: CandidateIdentity | null;
  /** Workflow time, ms. */
  nowMs: number;
  /** Nonces of the signed decisions taken so far. */
  nonces: ReadonlySet<string>;
  /** Principals who approved so far (each counts once). */
  approvedBy: ReadonlySet<string>;
  /** The principal recorded as the starter; self-approval is judged against it. */
  startedBy?: string;
}

export interface CheckedDecision {
  payload: DecisionPayload;
  keyFingerprint: string;
}

export type Checked = { ok: true; decision: CheckedDecision } | { ok: false; reason: string };

const refuse = (reason: string): Checked => ({ ok: false, reason });

/** The top-level fields whose values differ, for a readable "approval drift" message. */
function drift(signed: CandidateIdentity, now: CandidateIdentity): string {
  const keys = [...new Set([...Object.keys(signed), ...Object.keys(now)])].sort();
  const changed = keys.filter(
    (k) => canonicalJson(signed[k] ?? null) !== canonicalJson(now[k] ?? null),
  );
  const show = (v: unknown) => {
    const t = canonicalJson(v ?? null);
    return t.length > 60 ? `${t.slice(0, 57)}…` : t;
  };
  return changed.map((k) => `${k}: signed ${show(signed[k])}, now ${show(now[k])}`).join('; ');
}

/**
 * Whether `signed` may be taken as `decision` by this pipeline now, or why not. Checks, in
 * order: the signature, the signer in the policy (and the principal and role it claims), the
 * policy, the pipeline, the action, the candidate, the validity window, the nonce, self-approval
 * and a second approval by the same person.
 */
export function checkSignedDecision(
  facts: DeskFacts,
  decision: DecisionPayload['decision'],
  signed: SignedDecision,
): Checked {
  if (!signed || typeof signed.payload !== 'string' || typeof signed.signature !== 'string') {
    return refuse('a signed decision needs "payload" (the signed text) and "signature" (SSHSIG)');
  }
  let sig;
  try {
    sig = parseSshSignature(signed.signature);
  } catch (err) {
    return refuse(`the signature is unreadable: ${(err as Error).message}`);
  }
  if (sig.namespace !== APPROVAL_NAMESPACE) {
    return refuse(
      `the signature is for namespace "${sig.namespace}", not "${APPROVAL_NAMESPACE}" (sign with ssh-keygen -Y sign -n ${APPROVAL_NAMESPACE})`,
    );
  }
  if (!verifySshSignature(sig, utf8ToBytes(signed.payload), APPROVAL_NAMESPACE)) {
    return refuse(
      `the signature does not verify: the payload was changed after it was signed, or signed by another key (${sig.publicKey.fingerprint})`,
    );
  }
  const payload = parsePayload(signed.payload);
  if (typeof payload === 'string') return refuse(payload);
  const signer = signerOf(facts.policy.policy, sig.publicKey);
  if (!signer) {
    return refuse(
      `signed by a key that is not in the approval policy (${sig.publicKey.fingerprint}, policy ${facts.policy.digest})`,
    );
  }
  if (signer.principal !== payload.approver) {
    return refuse(
      `the key is ${signer.principal}'s, but the decision says it is ${payload.approver}'s`,
    );
  }
  if (!signer.roles.includes(payload.role)) {
    return refuse(
      `${signer.principal} does not hold role "${payload.role}" in the approval policy (roles: ${signer.roles.join(', ') || 'none'})`,
    );
  }
  if (payload.policyDigest !== facts.policy.digest) {
    return refuse(
      `signed under another approval policy (${payload.policyDigest}); this pipeline follows ${facts.policy.digest}, recorded when it started`,
    );
  }
  if (payload.workflowId !== facts.workflowId) {
    return refuse(`signed for another pipeline (${payload.workflowId}), not ${facts.workflowId}`);
  }
  if (payload.action !== facts.action) {
    return refuse(`signed to ${payload.action}, but this decides a ${facts.action}`);
  }
  if (payload.decision !== decision) {
    return refuse(`signed to ${payload.decision}, but sent as ${decision}`);
  }
  if (!facts.candidate) return refuse('there is no candidate to decide on yet');
  const now = digestOf(facts.candidate);
  if (payload.candidateDigest !== digestOf(payload.candidate) || payload.candidateDigest !== now) {
    return refuse(
      `signed for another candidate (approval drift: ${drift(payload.candidate, facts.candidate) || 'the candidate digest differs'})`,
    );
  }
  const issued = Date.parse(payload.issuedAt);
  const expires = Date.parse(payload.expiresAt);
  if (expires <= facts.nowMs) {
    return refuse(`expired at ${payload.expiresAt}: sign a new decision`);
  }
  if (issued > facts.nowMs + CLOCK_SKEW_MS) {
    return refuse(`issued in the future (${payload.issuedAt}): check the signer's clock`);
  }
  if (expires - issued > facts.policy.policy.maxValidityMs) {
    return refuse(
      `valid for ${Math.round((expires - issued) / 60_000)} min, longer than the policy allows (${Math.round(facts.policy.policy.maxValidityMs / 60_000)} min)`,
    );
  }
  if (facts.nonces.has(payload.nonce)) {
    return refuse(`replayed: a decision with nonce ${payload.nonce} was already taken`);
  }
  if (
    decision === 'approve' &&
    !facts.policy.policy.selfApproval &&
    facts.startedBy !== undefined &&
    facts.startedBy === signer.principal
  ) {
    return refuse(
      `${signer.principal} started this pipeline and may not approve it (the policy forbids self-approval)`,
    );
  }
  if (decision === 'approve' && facts.approvedBy.has(signer.principal)) {
    return refuse(`${signer.principal} has approved already; the quorum needs someone else`);
  }
  return { ok: true, decision: { payload, keyFingerprint: sig.publicKey.fingerprint } };
}
