import type {
  ApprovalAction,
  CandidateIdentity,
  DecisionPayload,
} from '../shared/approvalTypes.js';
import { canonicalJson, digestOf } from './bytes.js';

export const PAYLOAD_FORMAT = 'finetune-approval/1';

export interface PayloadFields {
  workflowId: string;
  action: ApprovalAction;
  decision: DecisionPayload['decision'];
  candidate: CandidateIdentity;
  policyDigest: string;
  approver: string;
  role: string;
  issuedAt: Date;
  validForMs: number;
  nonce: string;
  comment?: string;
}

/** The decision a person signs, bound to this pipeline, this candidate and this policy. */
export function buildPayload(f: PayloadFields): DecisionPayload {
  return {
    format: PAYLOAD_FORMAT,
    workflowId: f.workflowId,
    action: f.action,
    decision: f.decision,
    candidate: f.candidate,
    candidateDigest: digestOf(f.candidate),
    policyDigest: f.policyDigest,
    approver: f.approver,
    role: f.role,
    issuedAt: f.issuedAt.toISOString(),
    expiresAt: new Date(f.issuedAt.getTime() + f.validForMs).toISOString(),
    nonce: f.nonce,
    ...(f.comment ? { comment: f.comment } : {}),
  };
}

/** The exact text that is signed: the payload's canonical JSON (RFC 8785). */
export function payloadText(p: DecisionPayload): string {
  return canonicalJson(p);
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The signed text → a payload, or why it is not one. */
export function parsePayload(text: string): DecisionPayload | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'the signed payload is not JSON';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'the signed payload is not an object';
  const p = v as Record<string, unknown>;
  if (p.format !== PAYLOAD_FORMAT) return `the signed payload is not ${PAYLOAD_FORMAT}`;
  for (const k of [
    'workflowId',
    'candidateDigest',
    'policyDigest',
    'approver',
    'role',
    'issuedAt',
    'expiresAt',
    'nonce',
  ] as const) {
    if (!str(p[k])) return `the signed payload has no ${k}`;
  }
  if (p.action !== 'promote' && p.action !== 'rollback') return 'the signed payload has no action';
  if (p.decision !== 'approve' && p.decision !== 'reject')
    return 'the signed payload has no decision';
  const c = p.candidate as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object' || Array.isArray(c) || !str(c.kind)) {
    return 'the signed payload names no candidate';
  }
  if (p.comment !== undefined && typeof p.comment !== 'string') return 'the comment is not text';
  if (
    Number.isNaN(Date.parse(p.issuedAt as string)) ||
    Number.isNaN(Date.parse(p.expiresAt as string))
  ) {
    return 'issuedAt / expiresAt are not ISO 8601 times';
  }
  return p as unknown as DecisionPayload;
}
