import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { parsePayload } from '../approvals/index.js';
import type { DecisionPayload, SignedDecision } from '../shared/approvalTypes.js';
import type { ApprovalRequestView } from '../shared/approvalTypes.js';
import type { AliasMoveResult, RollbackInput } from '../shared/governanceTypes.js';
import type { DecisionReply } from '../shared/promotionTypes.js';
import { TASK_QUEUE } from '../shared/types.js';
import type { rollbackPromotion } from '../workflows/rollbackPromotion.js';
import { requireWorker } from './pollers.js';
import { failedOnWorker } from './reads.js';
import {
  approvalRequest,
  decideSigned,
  keyFingerprint,
  payloadFor,
  signWithKeyFile,
  SigningError,
  type PayloadOptions,
} from './signedDecision.js';

// A rollback under the worker's approval policy: started so that it waits for signed decisions,
// which are then given like a pipeline's (the same query, Update and checks). `rollback()` in
// promotion.ts stays the call without a policy.

export interface SignedRollbackOptions {
  taskQueue?: string;
  /** Default `rollbackPromotion-<uuid>`: the id the decisions are bound to. */
  workflowId?: string;
  /** How long the rollback waits for its quorum; default the policy's maxValidity. */
  decisionTimeoutMs?: number;
}

/** Where a signed rollback stands: moved (`result`), or waiting for more signatures (`reply.pending`). */
export interface SignedRollbackOutcome {
  workflowId: string;
  reply: DecisionReply;
  result?: AliasMoveResult;
}

type SignOptions = Omit<PayloadOptions, 'decision' | 'keyFingerprint'>;

const what = (input: RollbackInput) => `roll back "${input.alias}" in ${input.collection}`;

/** Starts a rollback that waits for signed decisions (bound to its workflow id); returns the id. */
export async function startSignedRollback(
  client: Client,
  input: RollbackInput,
  options: SignedRollbackOptions = {},
): Promise<string> {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  await requireWorker(client, taskQueue, what(input));
  const workflowId = options.workflowId ?? `rollbackPromotion-${randomUUID()}`;
  await client.workflow.start<typeof rollbackPromotion>('rollbackPromotion', {
    workflowId,
    taskQueue,
    args: [
      {
        ...input,
        awaitSignedDecisions: true,
        ...(options.decisionTimeoutMs ? { decisionTimeoutMs: options.decisionTimeoutMs } : {}),
      },
    ],
    staticSummary: `${what(input)} (signed)`,
  });
  return workflowId;
}

/**
 * What a started rollback asks to be signed, once it has read the versions it leaves and goes
 * to; its failure (no policy, nothing to roll back to) if it ended instead.
 */
export async function rollbackRequest(
  client: Client,
  workflowId: string,
  timeoutMs = 120_000,
): Promise<ApprovalRequestView> {
  const handle = client.workflow.getHandle<typeof rollbackPromotion>(workflowId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') {
      try {
        await handle.result();
      } catch (err) {
        throw failedOnWorker(`rollback ${workflowId}`, err);
      }
      throw new SigningError(
        `rollback ${workflowId} ended without asking for a signature: the worker has no approval policy (roll back without --sign)`,
      );
    }
    const view = await approvalRequest(client, workflowId).catch(() => undefined);
    if (view?.stage === 'awaiting_approval' && view.candidate) return view;
    if (Date.now() > deadline) {
      throw new SigningError(
        `rollback ${workflowId} did not ask for a decision within ${timeoutMs} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sends a signed decision to a rollback; when it meets the quorum, waits for the move. */
export async function decideSignedRollback(
  client: Client,
  signed: SignedDecision,
  workflowId?: string,
): Promise<SignedRollbackOutcome> {
  if (!workflowId) {
    const payload = parsePayload(signed.payload);
    if (typeof payload === 'string') throw new SigningError(payload);
    workflowId = payload.workflowId;
  }
  const reply = await decideSigned(client, workflowId, 'approve', signed);
  if (reply.pending) return { workflowId, reply };
  try {
    const result = await client.workflow.getHandle<typeof rollbackPromotion>(workflowId).result();
    return { workflowId, reply, result };
  } catch (err) {
    throw failedOnWorker(`rollback ${workflowId}`, err);
  }
}

/**
 * `finetune rollback --sign <key>`: starts the rollback, signs the decision bound to it with
 * the SSH key (principal and role found by the key in the policy) and sends it. Under a quorum
 * of one it moves at once; else others sign with `finetune approve <workflowId> --sign`.
 */
export async function signedRollback(
  client: Client,
  input: RollbackInput,
  keyFile: string,
  options: SignedRollbackOptions & SignOptions = {},
): Promise<SignedRollbackOutcome> {
  const fingerprint = keyFingerprint(keyFile);
  const workflowId = await startSignedRollback(client, input, options);
  const view = await rollbackRequest(client, workflowId);
  const payload = payloadFor(view, {
    ...options,
    decision: 'approve',
    keyFingerprint: fingerprint,
  });
  return decideSignedRollback(client, signWithKeyFile(payload, keyFile), workflowId);
}

/**
 * `finetune rollback --print-payload`: starts the rollback (it waits for signatures) and returns
 * the decision to sign elsewhere; it names the rollback's workflow id.
 */
export async function rollbackPayload(
  client: Client,
  input: RollbackInput,
  options: SignedRollbackOptions & SignOptions & { keyFingerprint?: string } = {},
): Promise<DecisionPayload> {
  const workflowId = await startSignedRollback(client, input, options);
  return payloadFor(await rollbackRequest(client, workflowId), { ...options, decision: 'approve' });
}
