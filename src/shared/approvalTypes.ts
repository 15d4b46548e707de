// Types of signed approvals: the approvers policy, the decision a person signs, and what the
// pipeline keeps of it. Workflow-safe (no imports): all of it travels through workflow history
// and W&B metadata. Public keys and signatures only; no secret is ever here.

/** What a decision is about: promoting a candidate, or rolling an alias back. */
export type ApprovalAction = 'promote' | 'rollback';

/** A JSON value, as the canonical form (RFC 8785) serialises it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/**
 * The candidate a decision is bound to. Pipeline-specific (a fine-tune names its model version,
 * job and dataset digests; a knowledge base its index version): the desk only digests it.
 */
export interface CandidateIdentity {
  kind: string;
  [field: string]: JsonValue;
}

/** One allowed signer: a person (or robot) name, the roles they hold, their SSH public key. */
export interface ApprovalSigner {
  principal: string;
  roles: string[];
  /** An OpenSSH public key line: `ssh-ed25519 AAAA… comment`. */
  key: string;
}

/**
 * How many must approve. `approvals`: at least this many different principals; `roles`: one
 * principal per role listed (each a different person). Both may be given; both must hold.
 */
export interface QuorumRule {
  approvals?: number;
  roles?: string[];
}

export interface ApprovalPolicy {
  version: 1;
  signers: ApprovalSigner[];
  /** Promotion of a candidate (fine-tune, knowledge base). */
  promote: QuorumRule;
  /** Rollbacks, e.g. `{ approvals: 1 }` for speed; default: the same as `promote`. */
  rollback?: QuorumRule;
  /** Whether whoever started a pipeline may approve it; default false. */
  selfApproval?: boolean;
  /** The longest a signed decision may be valid (expiresAt − issuedAt), ms. */
  maxValidityMs: number;
}

/** The policy as the worker loaded it at the pipeline's start: recorded in history once. */
export interface LoadedPolicy {
  policy: ApprovalPolicy;
  /** `sha256:<hex>` of the policy's canonical JSON. */
  digest: string;
  /** Where it was read (a path on the worker, or a W&B artifact version). */
  source: string;
}

/** What a person signs (its canonical JSON is the signed message). */
export interface DecisionPayload {
  format: 'finetune-approval/1';
  workflowId: string;
  action: ApprovalAction;
  decision: 'approve' | 'reject';
  candidate: CandidateIdentity;
  /** `sha256:<hex>` of the candidate's canonical JSON. */
  candidateDigest: string;
  /** The pipeline's policy (recorded at its start): a decision made under another is refused. */
  policyDigest: string;
  approver: string;
  role: string;
  issuedAt: string;
  expiresAt: string;
  nonce: string;
  comment?: string;
}

/** A decision as sent: the exact signed text and its SSH signature (armored SSHSIG). */
export interface SignedDecision {
  payload: string;
  signature: string;
}

/** A signed decision the pipeline verified and counted. */
export interface SignedVote {
  decision: DecisionPayload['decision'];
  approver: string;
  role: string;
  /** `SHA256:…` as `ssh-keygen -l` prints it. */
  keyFingerprint: string;
  nonce: string;
  issuedAt: string;
  expiresAt: string;
  how: 'signal' | 'update';
  /** When the pipeline took it (workflow time). */
  at: string;
  signed: SignedDecision;
}

/** Where the quorum stands: who approved, and what is still needed. */
export interface QuorumStatus {
  met: boolean;
  have: string[];
  /** Readable: "1 more approval", "role security". Empty when met. */
  missing: string[];
  /** The rule in words, e.g. "2 approvals, one each of roles ml-lead, security". */
  rule: string;
}

/** What a pipeline shows of its approval policy (progress query, status). */
export interface PolicySummary {
  digest: string;
  source: string;
  signers: number;
  rule: string;
  selfApproval: boolean;
}

/** What a decision is asked about: everything a signer needs to build the payload. */
export interface ApprovalRequestView {
  workflowId: string;
  action: ApprovalAction;
  /** Null until the candidate is known (after the gates). */
  candidate: CandidateIdentity | null;
  candidateDigest: string | null;
  policy: PolicySummary | null;
  /** Who may sign (public: names, roles, key fingerprints), so a signer finds their own entry. */
  signers: { principal: string; roles: string[]; fingerprint: string }[];
  quorum: QuorumStatus | null;
  /** The principal recorded as the starter (self-approval is judged against it). */
  startedBy: string | null;
  stage: string;
}

/** A decision as stored on a model version's governance log: verifiable by anyone, later. */
export interface SignedRecord {
  policyDigest: string;
  decisions: SignedDecision[];
}

/** What a signed rollback is bound to, and the version (`vN`) it goes to, as read before it. */
export interface RollbackCandidate {
  identity: CandidateIdentity;
  toVersion: string;
}
