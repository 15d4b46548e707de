import { writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  buildPayload,
  formatPrivateKey,
  loadedPolicy,
  parsePrivateKey,
  publicKeyLine,
  signPayload,
  type SshPrivateKey,
} from '../../src/approvals/index.js';
import { getPublicKey } from '@noble/ed25519';
import type {
  ApprovalPolicy,
  CandidateIdentity,
  DecisionPayload,
  LoadedPolicy,
  SignedDecision,
} from '../../src/shared/approvalTypes.js';

/** A person with a fresh ed25519 key (as two machines would each have their own). */
export interface TestSigner {
  principal: string;
  roles: string[];
  key: SshPrivateKey;
  /** The OpenSSH private key file's text. */
  privateKeyFile: string;
  publicKey: string;
}

export function testSigner(principal: string, roles: string[]): TestSigner {
  const seed = randomBytes(32);
  const privateKeyFile = formatPrivateKey(seed, `${principal}@test`);
  return {
    principal,
    roles,
    key: parsePrivateKey(privateKeyFile),
    privateKeyFile,
    publicKey: publicKeyLine(getPublicKey(seed), `${principal}@test`),
  };
}

export function policyFor(
  signers: TestSigner[],
  rest: Partial<Omit<ApprovalPolicy, 'signers' | 'version'>> = {},
): LoadedPolicy {
  return loadedPolicy(
    {
      version: 1,
      signers: signers.map((s) => ({ principal: s.principal, roles: s.roles, key: s.publicKey })),
      promote: { approvals: 1 },
      maxValidityMs: 24 * 3_600_000,
      ...rest,
    },
    'test',
  );
}

/** A policy file as an operator writes it: these signers, one approval to promote, the rest given. */
export function writePolicyFile(
  path: string,
  signers: TestSigner[],
  rest: { rollback?: { approvals: number }; maxValidity: string },
): void {
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      signers: signers.map((s) => ({ principal: s.principal, roles: s.roles, key: s.publicKey })),
      promote: { approvals: 1 },
      ...rest,
    }),
  );
}

export function signedBy(
  signer: TestSigner,
  fields: {
    workflowId: string;
    candidate: CandidateIdentity;
    policyDigest: string;
    decision?: DecisionPayload['decision'];
    action?: DecisionPayload['action'];
    role?: string;
    issuedAt?: Date;
    validForMs?: number;
    nonce?: string;
    approver?: string;
  },
): SignedDecision {
  return signPayload(
    buildPayload({
      workflowId: fields.workflowId,
      action: fields.action ?? 'promote',
      decision: fields.decision ?? 'approve',
      candidate: fields.candidate,
      policyDigest: fields.policyDigest,
      approver: fields.approver ?? signer.principal,
      role: fields.role ?? signer.roles[0]!,
      issuedAt: fields.issuedAt ?? new Date(),
      validForMs: fields.validForMs ?? 3_600_000,
      nonce: fields.nonce ?? randomUUID(),
    }),
    signer.key,
  );
}
