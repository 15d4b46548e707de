import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  APPROVAL_NAMESPACE,
  buildPayload,
  EncryptedKeyError,
  parsePayload,
  parsePrivateKey,
  parsePublicKeyLine,
  parseSshSignature,
  payloadText,
  signPayload,
} from '../approvals/index.js';
import type {
  ApprovalRequestView,
  DecisionPayload,
  SignedDecision,
} from '../shared/approvalTypes.js';
import type { DecisionKind, DecisionReply } from '../shared/promotionTypes.js';
import { approvalRequestQuery } from '../workflows/definitions.js';
import { decidePromotion } from './promotion.js';

// Signed decisions from the approver's side: what to sign (from the pipeline's own query), the
// signature (in-process for an unencrypted ed25519 key, else `ssh-keygen -Y sign`), or a
// signature made elsewhere taken back. The pipeline verifies it all again itself.

/** A signed decision cannot be made: the message says what to do. */
export class SigningError extends Error {
  override name = 'SigningError';
}

/** What the pipeline asks to be decided, from its `approvalRequest` query. */
export async function approvalRequest(
  client: Client,
  workflowId: string,
): Promise<ApprovalRequestView> {
  try {
    return await client.workflow.getHandle(workflowId).query(approvalRequestQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new SigningError(`No pipeline with workflow id "${workflowId}" in this namespace.`);
    }
    throw err;
  }
}

export interface PayloadOptions {
  decision: DecisionKind;
  /** The signer's principal in the policy; default: the one whose key signs (`keyFingerprint`). */
  approver?: string;
  role?: string;
  /** Finds the principal and role by key when they are not given. */
  keyFingerprint?: string;
  comment?: string;
  /** Default: the policy's longest validity, at most 1 hour. */
  validForMs?: number;
  now?: Date;
}

/** The payload to sign for `view`, or why there is none (no policy, no candidate yet, …). */
export function payloadFor(view: ApprovalRequestView, o: PayloadOptions): DecisionPayload {
  if (!view.policy) {
    throw new SigningError(
      `${view.workflowId} follows no approval policy: decide without --sign (names are recorded as typed).`,
    );
  }
  if (!view.candidate) {
    throw new SigningError(
      `${view.workflowId} has no candidate to sign for yet (stage ${view.stage}); sign once it is awaiting approval.`,
    );
  }
  const mine = o.keyFingerprint
    ? view.signers.find((s) => s.fingerprint === o.keyFingerprint)
    : view.signers.find((s) => s.principal === o.approver);
  const approver = o.approver ?? mine?.principal;
  if (!approver) {
    throw new SigningError(
      `the key ${o.keyFingerprint ?? ''} is not in ${view.workflowId}'s approval policy (${view.policy.digest}); ask for it to be added, or sign with a key that is`,
    );
  }
  const role = o.role ?? mine?.roles[0];
  if (!role) throw new SigningError(`say which role ${approver} decides in: --role`);
  return buildPayload({
    workflowId: view.workflowId,
    action: view.action,
    decision: o.decision,
    candidate: view.candidate,
    policyDigest: view.policy.digest,
    approver,
    role,
    issuedAt: o.now ?? new Date(),
    validForMs: o.validForMs ?? 3_600_000,
    nonce: randomUUID(),
    ...(o.comment ? { comment: o.comment } : {}),
  });
}

/** The public key of a key file (or of the `.pub` beside it), for finding the signer's entry. */
export function keyFingerprint(keyFile: string): string {
  try {
    return parsePrivateKey(readFileSync(keyFile, 'utf8')).publicKey.fingerprint;
  } catch (err) {
    if (!(err instanceof EncryptedKeyError)) {
      try {
        return parsePublicKeyLine(readFileSync(keyFile, 'utf8')).fingerprint;
      } catch {
        throw new SigningError(`${keyFile}: ${(err as Error).message}`);
      }
    }
  }
  try {
    return parsePublicKeyLine(readFileSync(`${keyFile}.pub`, 'utf8')).fingerprint;
  } catch {
    throw new SigningError(`${keyFile} is encrypted and has no readable ${keyFile}.pub beside it`);
  }
}

/**
 * Signs `payload` with the SSH key in `keyFile`: in-process when the key is an unencrypted
 * ed25519 key, else with `ssh-keygen -Y sign` (which asks for the passphrase or uses the agent).
 */
export function signWithKeyFile(payload: DecisionPayload, keyFile: string): SignedDecision {
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw new SigningError(`--sign ${keyFile}: ${(err as Error).message}`);
  }
  try {
    return signPayload(payload, parsePrivateKey(text));
  } catch (err) {
    if (!(err instanceof EncryptedKeyError))
      throw new SigningError(`${keyFile}: ${(err as Error).message}`);
  }
  return { payload: payloadText(payload), signature: sshKeygenSign(payloadText(payload), keyFile) };
}

function sshKeygenSign(message: string, keyFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-sign-'));
  try {
    const file = join(dir, 'decision.json');
    writeFileSync(file, message);
    const r = spawnSync(
      'ssh-keygen',
      ['-Y', 'sign', '-n', APPROVAL_NAMESPACE, '-f', keyFile, file],
      {
        stdio: ['inherit', 'pipe', 'inherit'],
      },
    );
    if (r.error || r.status !== 0) {
      throw new SigningError(
        `ssh-keygen -Y sign could not sign with ${keyFile}${r.error ? `: ${r.error.message}` : ''}; or use --print-payload and --signature`,
      );
    }
    return readFileSync(`${file}.sig`, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `finetune approve|reject --print-payload`: the decision to sign for `workflowId`'s candidate as
 * it stands now. Sign its exact text elsewhere (`ssh-keygen -Y sign -n finetune-approval`).
 */
export async function decisionPayload(
  client: Client,
  workflowId: string,
  options: PayloadOptions,
): Promise<DecisionPayload> {
  return payloadFor(await approvalRequest(client, workflowId), options);
}

/**
 * `finetune approve|reject --sign <key>`: builds the decision for the candidate as it stands and
 * signs it with the SSH key in `keyFile` (the principal and role found by the key in the policy,
 * unless `approver` / `role` say otherwise).
 */
export async function signDecision(
  client: Client,
  workflowId: string,
  keyFile: string,
  options: Omit<PayloadOptions, 'keyFingerprint'>,
): Promise<SignedDecision> {
  const keyFp = keyFingerprint(keyFile);
  const payload = await decisionPayload(client, workflowId, { ...options, keyFingerprint: keyFp });
  return signWithKeyFile(payload, keyFile);
}

/**
 * Sends a signed decision through the `decidePromotion` Update, under the name it was signed
 * for. The pipeline verifies it again itself (and refuses it with its reason).
 */
export async function decideSigned(
  client: Client,
  workflowId: string,
  decision: DecisionKind,
  signed: SignedDecision,
  options: { taskQueue?: string } = {},
): Promise<DecisionReply> {
  const payload = parsePayload(signed.payload);
  if (typeof payload === 'string') throw new SigningError(payload);
  if (payload.workflowId !== workflowId) {
    throw new SigningError(
      `the signed decision is for pipeline ${payload.workflowId}, not ${workflowId}`,
    );
  }
  if (payload.decision !== decision) {
    throw new SigningError(`the signed decision says ${payload.decision}, not ${decision}`);
  }
  return decidePromotion(
    client,
    workflowId,
    decision,
    {
      by: payload.approver,
      // The comment is the one signed, so what the log shows is what was signed.
      ...(payload.comment ? { comment: payload.comment } : {}),
      signed,
    },
    options.taskQueue ? { taskQueue: options.taskQueue } : {},
  );
}

/** A payload printed with --print-payload and signed elsewhere, taken back with --signature. */
export function signedFromFiles(payloadFile: string, signatureFile: string): SignedDecision {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new SigningError(`${what} ${file}: ${(err as Error).message}`);
    }
  };
  const payload = read(payloadFile, 'the signed payload');
  const signature = read(signatureFile, 'the signature');
  try {
    parseSshSignature(signature);
  } catch (err) {
    throw new SigningError(`${signatureFile}: ${(err as Error).message}`);
  }
  return { payload, signature };
}
