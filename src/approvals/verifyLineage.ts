import type {
  ApprovalAction,
  ApprovalPolicy,
  CandidateIdentity,
  DecisionPayload,
  JsonValue,
} from '../shared/approvalTypes.js';
import type { GovernanceEvent, LineageReport } from '../shared/governanceTypes.js';
import { digestOf, utf8ToBytes } from './bytes.js';
import { parsePayload } from './payload.js';
import { policyDigest, quorumOf, ruleFor, signerOf } from './policy.js';
import { APPROVAL_NAMESPACE, parseSshSignature, verifySshSignature } from './sshsig.js';
import { CLOCK_SKEW_MS } from './verify.js';

// `finetune lineage <version> --verify`: every signed decision on a model version's governance
// log checked again from the metadata alone (no Temporal, no worker, no key server): each
// signature over its exact text, its key in the policy stored beside it (whose digest is
// recomputed), the quorum, and the chain model → datasets → decision against the version's own
// metadata. Pure, so anyone can run it on a saved `finetune lineage --json`.

/** One signed decision as re-checked. */
export interface VerifiedDecision {
  approver: string;
  role: string;
  decision: DecisionPayload['decision'] | null;
  keyFingerprint: string | null;
  issuedAt: string | null;
  /** Empty when it verifies. */
  problems: string[];
  /** Its key is not in the policy given as today's (reported, not a failure of the past decision). */
  keyRemovedSince?: boolean;
}

/** One promoted / rollback_to entry with signed decisions, as re-checked. */
export interface VerifiedEntry {
  id: string;
  kind: GovernanceEvent['kind'];
  at: string;
  workflowId: string;
  policyDigest: string;
  decisions: VerifiedDecision[];
  /** The entry's own problems (policy, quorum, chain); each decision's are on it. */
  problems: string[];
}

export interface LineageVerification {
  modelRef: string;
  /** True when every signed entry verifies and the chain holds; false on any mismatch. */
  ok: boolean;
  entries: VerifiedEntry[];
  /** Every problem found, each naming where (for a person to read first). */
  problems: string[];
  /** Not failures: keys removed from today's policy since, what could not be compared. */
  warnings: string[];
}

const ACTION_OF: Partial<Record<GovernanceEvent['kind'], ApprovalAction>> = {
  promoted: 'promote',
  rejected: 'promote',
  rollback_to: 'rollback',
};

/** `entity/project/name:v3` and `name:v3` name the same version within one project. */
const tail = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const show = (v: unknown): string =>
  v === null || v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v);

function checkDecision(
  signed: { payload: string; signature: string },
  entry: GovernanceEvent & { signed: NonNullable<GovernanceEvent['signed']> },
  policy: ApprovalPolicy | undefined,
  current: ApprovalPolicy | undefined,
): { verified: VerifiedDecision; payload: DecisionPayload | null } {
  const problems: string[] = [];
  const v: VerifiedDecision = {
    approver: '?',
    role: '?',
    decision: null,
    keyFingerprint: null,
    issuedAt: null,
    problems,
  };
  let sig;
  try {
    sig = parseSshSignature(signed.signature);
  } catch (err) {
    problems.push(`the signature is unreadable: ${(err as Error).message}`);
    return { verified: v, payload: null };
  }
  v.keyFingerprint = sig.publicKey.fingerprint;
  if (sig.namespace !== APPROVAL_NAMESPACE) {
    problems.push(`signed for namespace "${sig.namespace}", not "${APPROVAL_NAMESPACE}"`);
  }
  if (!verifySshSignature(sig, utf8ToBytes(signed.payload), APPROVAL_NAMESPACE)) {
    problems.push('the signature does not verify: the signed text was changed after signing');
  }
  const payload = parsePayload(signed.payload);
  if (typeof payload === 'string') {
    problems.push(payload);
    return { verified: v, payload: null };
  }
  Object.assign(v, {
    approver: payload.approver,
    role: payload.role,
    decision: payload.decision,
    issuedAt: payload.issuedAt,
  });
  if (policy) {
    const signer = signerOf(policy, sig.publicKey);
    if (!signer) problems.push(`its key ${sig.publicKey.fingerprint} is not in the policy`);
    else if (signer.principal !== payload.approver)
      problems.push(`the key is ${signer.principal}'s, the decision says ${payload.approver}'s`);
    else if (!signer.roles.includes(payload.role))
      problems.push(`${signer.principal} does not hold role "${payload.role}" in the policy`);
  }
  if (current && !signerOf(current, sig.publicKey)) v.keyRemovedSince = true;
  if (payload.policyDigest !== entry.signed.policyDigest) {
    problems.push(
      `signed under policy ${payload.policyDigest}, the log says ${entry.signed.policyDigest}`,
    );
  }
  if (payload.workflowId !== entry.workflowId) {
    problems.push(`signed for pipeline ${payload.workflowId}, the log says ${entry.workflowId}`);
  }
  const action = ACTION_OF[entry.kind];
  if (payload.action !== action)
    problems.push(`signed to ${payload.action}, the log says ${entry.kind}`);
  if (payload.candidateDigest !== digestOf(payload.candidate)) {
    problems.push('its candidate does not match its candidateDigest');
  }
  if (Date.parse(payload.issuedAt) > Date.parse(entry.at) + CLOCK_SKEW_MS) {
    problems.push(
      `issued at ${payload.issuedAt}, after the ${entry.kind} it is said to allow (${entry.at})`,
    );
  }
  return { verified: v, payload };
}

/** The fine-tune candidate a decision was signed for, against what the version's metadata says. */
function chainProblems(candidate: CandidateIdentity, report: LineageReport): string[] {
  if (candidate.kind !== 'fine-tune') return [];
  const out: string[] = [];
  const m = report.model;
  const same = (field: string, signed: JsonValue | undefined, now: unknown) => {
    if ((signed ?? null) !== (now ?? null)) {
      out.push(`model ${field}: signed ${show(signed)}, the version says ${show(now)}`);
    }
  };
  const signedRef = candidate.modelVersion;
  if (typeof signedRef !== 'string' || tail(signedRef) !== tail(m.ref)) {
    out.push(`the decisions were signed for model version ${show(signedRef)}, not ${m.ref}`);
  }
  if (m.digest === undefined)
    out.push('the lineage carries no model digest (a worker from before signed approvals?)');
  else same('digest', candidate.modelDigest, m.digest);
  same('jobId', candidate.jobId, m.jobId);
  same('fineTunedModel', candidate.fineTunedModel, m.fineTunedModel);
  same('baseModel', candidate.baseModel, m.baseModel);
  const signedSets = Array.isArray(candidate.datasets) ? candidate.datasets : [];
  const signedRoles = new Set<string>();
  for (const d of signedSets) {
    if (!d || typeof d !== 'object' || Array.isArray(d)) continue;
    const role = typeof d.role === 'string' ? d.role : show(d.role);
    signedRoles.add(role);
    const now = report.datasets.find((x) => x.role === role);
    if (!now) {
      out.push(`dataset ${role}: signed, but the version no longer names it`);
      continue;
    }
    if (typeof d.version === 'string' && tail(d.version) !== tail(now.ref)) {
      out.push(`dataset ${role}: signed version ${d.version}, the version names ${now.ref}`);
    }
    if (d.digest !== now.digest) {
      out.push(
        `dataset ${role} (${now.ref}): signed digest ${show(d.digest)}, its metadata says ${show(now.digest)}`,
      );
    }
  }
  for (const d of report.datasets) {
    if (!signedRoles.has(d.role)) out.push(`dataset ${d.role} (${d.ref}): not in what was signed`);
  }
  if (candidate.gatesDigest !== digestOf(report.gates)) {
    out.push(
      `gate results: the version's differ from those signed (${show(candidate.gatesDigest)})`,
    );
  }
  return out;
}

/** A signed rollback to this version: it must be this version, by ref and digest, from what the log says. */
function rollbackChainProblems(
  candidate: CandidateIdentity,
  entry: GovernanceEvent,
  report: LineageReport,
): string[] {
  if (candidate.kind !== 'rollback') return ['a rollback signed for something that is not one'];
  const out: string[] = [];
  const side = (v: JsonValue | undefined) =>
    v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  const to = side(candidate.to);
  const from = side(candidate.from);
  const m = report.model;
  if (typeof to?.ref !== 'string' || tail(to.ref) !== tail(m.ref)) {
    out.push(`the rollback was signed to go to ${show(to?.ref)}, not ${m.ref}`);
  }
  if (m.digest !== undefined && (to?.digest ?? null) !== m.digest) {
    out.push(
      `model digest: the rollback was signed for ${show(to?.digest)}, the version says ${m.digest}`,
    );
  }
  const left = typeof from?.ref === 'string' ? tail(from.ref) : null;
  if (entry.replaced !== undefined && left !== (entry.replaced ? tail(entry.replaced) : null)) {
    out.push(
      `the rollback was signed to leave ${show(from?.ref)}, the log says it left ${show(entry.replaced)}`,
    );
  }
  if (candidate.alias !== entry.alias) {
    out.push(
      `the rollback was signed for alias ${show(candidate.alias)}, the log says ${entry.alias}`,
    );
  }
  return out;
}

function checkEntry(
  entry: GovernanceEvent & { signed: NonNullable<GovernanceEvent['signed']> },
  report: LineageReport,
  current: ApprovalPolicy | undefined,
  latest: boolean,
): VerifiedEntry {
  const problems: string[] = [];
  const digest = entry.signed.policyDigest;
  const policy = report.approvalPolicies?.[digest];
  if (!policy) problems.push(`the policy ${digest} is not stored with the version`);
  else if (policyDigest(policy) !== digest) {
    problems.push(
      `the stored policy ${digest} was altered: its content digests to ${policyDigest(policy)}`,
    );
  }
  const checked = entry.signed.decisions.map((d) => checkDecision(d, entry, policy, current));
  const payloads = checked.flatMap((c) =>
    c.payload && !c.verified.problems.length ? [c.payload] : [],
  );
  const nonces = new Set<string>();
  for (const p of payloads) {
    if (nonces.has(p.nonce)) problems.push(`nonce ${p.nonce} is used twice`);
    nonces.add(p.nonce);
  }
  const candidates = new Set(payloads.map((p) => p.candidateDigest));
  if (candidates.size > 1) problems.push('the decisions were signed for different candidates');
  const action = ACTION_OF[entry.kind]!;
  // A rejection needs one verified signed rejection; a promotion or rollback the quorum.
  const rejecting = entry.kind === 'rejected';
  const decisive = payloads.filter((p) => p.decision === (rejecting ? 'reject' : 'approve'));
  if (rejecting) {
    // Rejected by a person: their signed rejection is there. By the timeout or a gate: the
    // entry only keeps the approvals that fell short.
    const byPerson = entry.how === 'update' || entry.how === 'signal';
    if (byPerson && !decisive.length) problems.push('no verified signed rejection');
  } else if (policy) {
    const q = quorumOf(ruleFor(policy, action), decisive);
    if (!q.met)
      problems.push(
        `the verified approvals do not meet the quorum (${q.rule}): ${q.missing.join(', ')} missing`,
      );
  }
  const names = decisive.map((p) => p.approver).join(', ');
  if (decisive.length && entry.by !== names) {
    problems.push(
      `the log says ${rejecting ? 'rejected' : 'approved'} by "${entry.by}", the signatures are ${names}'s`,
    );
  }
  if (latest && entry.kind === 'promoted' && report.promotion) {
    if (report.promotion.approvedBy !== entry.by) {
      problems.push(
        `the promotion record says approved by "${show(report.promotion.approvedBy)}", the log "${entry.by}"`,
      );
    }
  }
  // The chain is checked for the entry that put this version where it is now (its latest).
  if (latest && payloads[0]) problems.push(...chainProblems(payloads[0].candidate, report));
  // Every signed rollback on this version came to it: each is checked against it.
  if (entry.kind === 'rollback_to' && payloads[0])
    problems.push(...rollbackChainProblems(payloads[0].candidate, entry, report));
  return {
    id: entry.id,
    kind: entry.kind,
    at: entry.at,
    workflowId: entry.workflowId,
    policyDigest: digest,
    decisions: checked.map((c) => c.verified),
    problems,
  };
}

/**
 * Re-checks every signed decision on `report`'s model version. `currentPolicy` (today's, e.g.
 * the worker's file) only reports keys removed since; the decisions are judged by the policy
 * stored with them, by digest.
 */
export function verifyLineage(
  report: LineageReport,
  currentPolicy?: ApprovalPolicy,
): LineageVerification {
  const signed = report.log.filter(
    (e): e is GovernanceEvent & { signed: NonNullable<GovernanceEvent['signed']> } =>
      e.signed !== undefined && ACTION_OF[e.kind] !== undefined,
  );
  const lastPromoted = [...report.log].reverse().find((e) => e.kind === 'promoted');
  const entries = signed.map((e) => checkEntry(e, report, currentPolicy, e === lastPromoted));
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const e of entries) {
    for (const p of e.problems) problems.push(`${e.kind} ${e.at} (${e.workflowId}): ${p}`);
    for (const d of e.decisions) {
      for (const p of d.problems)
        problems.push(`${e.kind} ${e.at}, ${d.approver}'s ${d.decision ?? 'decision'}: ${p}`);
      if (d.keyRemovedSince) {
        warnings.push(
          `${d.approver}'s key ${d.keyFingerprint} has been removed from the approval policy since; their ${d.decision} of ${e.at} was valid under ${e.policyDigest}, recorded then`,
        );
      }
    }
  }
  const policies = Object.keys(report.approvalPolicies ?? {});
  if (!signed.length) {
    problems.push(
      policies.length
        ? `the version keeps approval policies (${policies.join(', ')}) but its log has no signed decision: they were removed`
        : lastPromoted
          ? `no signed decision on this version: it was promoted (${lastPromoted.at}, by "${lastPromoted.by}") without an approval policy — names as typed, not verified`
          : 'no signed decision on this version: it was never promoted or rejected under an approval policy',
    );
  } else if (lastPromoted && !lastPromoted.signed && policies.length) {
    problems.push(
      `the latest promotion (${lastPromoted.at}) carries no signed decisions, though the version keeps an approval policy`,
    );
  }
  if (!currentPolicy) warnings.push('no current policy given: keys removed since were not checked');
  return { modelRef: report.model.ref, ok: problems.length === 0, entries, problems, warnings };
}
