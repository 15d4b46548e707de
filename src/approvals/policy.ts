import type {
  ApprovalAction,
  ApprovalPolicy,
  ApprovalSigner,
  LoadedPolicy,
  PolicySummary,
  QuorumRule,
  QuorumStatus,
} from '../shared/approvalTypes.js';
import { digestOf } from './bytes.js';
import { parsePublicKeyLine, sameKey, type SshPublicKey } from './sshKeys.js';

// The approvers policy: who may decide, in which role, and how many must. Pure: the worker
// loads it once per pipeline (an activity), the workflow decides with it from history.

/** The policy's name: the digest of its canonical JSON (keys as written, order of signers kept). */
export function policyDigest(policy: ApprovalPolicy): string {
  return digestOf(policy);
}

export function loadedPolicy(policy: ApprovalPolicy, source: string): LoadedPolicy {
  return { policy, digest: policyDigest(policy), source };
}

/** The signer whose key this is, if the policy lists it. */
export function signerOf(policy: ApprovalPolicy, key: SshPublicKey): ApprovalSigner | undefined {
  return policy.signers.find((s) => {
    try {
      return sameKey(parsePublicKeyLine(s.key), key);
    } catch {
      return false;
    }
  });
}

/** The rule for an action: a rollback has its own when the policy states one, else promotion's. */
export function ruleFor(policy: ApprovalPolicy, action: ApprovalAction): QuorumRule {
  if (action === 'rollback') return policy.rollback ?? policy.promote;
  return policy.promote;
}

export function describeRule(rule: QuorumRule): string {
  const parts: string[] = [];
  const n = rule.approvals ?? (rule.roles?.length ? 0 : 1);
  if (n > 0) parts.push(`${n} approval${n === 1 ? '' : 's'}`);
  if (rule.roles?.length)
    parts.push(`one each of role${rule.roles.length === 1 ? '' : 's'} ${rule.roles.join(', ')}`);
  return parts.join(', ');
}

/**
 * Whether the approvals so far meet the rule. Each principal counts once, with the one role
 * their signed approval claims; a role listed twice needs two people holding it.
 */
export function quorumOf(
  rule: QuorumRule,
  votes: { approver: string; role: string }[],
): QuorumStatus {
  const people = [...new Set(votes.map((v) => v.approver))];
  const missing: string[] = [];
  const need = rule.approvals ?? (rule.roles?.length ? 0 : 1);
  if (people.length < need) {
    const more = need - people.length;
    missing.push(`${more} more approval${more === 1 ? '' : 's'}`);
  }
  const wanted = new Map<string, number>();
  for (const r of rule.roles ?? []) wanted.set(r, (wanted.get(r) ?? 0) + 1);
  for (const [role, count] of wanted) {
    const holders = new Set(votes.filter((v) => v.role === role).map((v) => v.approver)).size;
    if (holders < count)
      missing.push(count - holders === 1 ? `role ${role}` : `${count - holders} × role ${role}`);
  }
  return { met: missing.length === 0, have: people, missing, rule: describeRule(rule) };
}

export function summarizePolicy(loaded: LoadedPolicy, action: ApprovalAction): PolicySummary {
  return {
    digest: loaded.digest,
    source: loaded.source,
    signers: loaded.policy.signers.length,
    rule: describeRule(ruleFor(loaded.policy, action)),
    selfApproval: loaded.policy.selfApproval ?? false,
  };
}
