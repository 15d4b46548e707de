import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { verifyLineage, type LineageVerification } from '../approvals/index.js';
import { parsePolicy, PolicyError } from '../approvals/policySchema.js';
import type { ApprovalPolicy } from '../shared/approvalTypes.js';
import type { LineageReport } from '../shared/governanceTypes.js';
import { traceFrom, type LineageAnswer } from './lineage.js';

// `finetune lineage <version> --verify`: the lineage read from W&B (through the worker, or a
// saved `--json` answer), then every signature and the chain checked here, in this process, by
// pure code: neither the worker nor W&B is trusted for the verdict.

/** The lineage cannot be verified at all (no W&B record, an unreadable file or policy). */
export class LineageVerifyError extends Error {
  override name = 'LineageVerifyError';
}

export interface VerifiedLineage extends LineageAnswer {
  verification: LineageVerification;
}

/** Today's policy (for reporting keys removed since), from the file the worker reads. */
export async function readCurrentPolicy(path: string): Promise<ApprovalPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LineageVerifyError(`the policy ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    return parsePolicy(text, path);
  } catch (err) {
    if (err instanceof PolicyError) throw new LineageVerifyError(err.message);
    throw err;
  }
}

/** A lineage saved with `finetune lineage <version> --json` (or a bare report). */
export async function readSavedLineage(file: string): Promise<LineageAnswer> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new LineageVerifyError(`${file}: ${(err as Error).message}`);
  }
  const o = json as Partial<LineageAnswer & LineageReport>;
  if (o && typeof o === 'object' && o.wandb) return o;
  if (o && typeof o === 'object' && o.model && Array.isArray(o.log)) {
    return { wandb: o as LineageReport };
  }
  throw new LineageVerifyError(
    `${file} is not a lineage: save one with finetune lineage <version> --json`,
  );
}

/** Verifies an answer already in hand (read now, or saved). */
export function verifyAnswer(
  answer: LineageAnswer,
  currentPolicy?: ApprovalPolicy,
): VerifiedLineage {
  if (!answer.wandb) {
    throw new LineageVerifyError(
      `nothing to verify: ${answer.wandbError ?? 'the model version is not in W&B'}`,
    );
  }
  return { ...answer, verification: verifyLineage(answer.wandb, currentPolicy) };
}

/**
 * `finetune lineage <start> --verify`: reads the lineage from W&B through the worker and
 * verifies it here. `currentPolicyFile` (default FINETUNE_APPROVAL_POLICY) reports keys removed
 * from the policy since; the decisions are judged by the policy stored with them.
 */
export async function verifyModelLineage(
  client: Client,
  start: string,
  w: { project: string; entity?: string; collection: string; taskQueue?: string },
  options: { currentPolicyFile?: string } = {},
): Promise<VerifiedLineage> {
  const policyFile = options.currentPolicyFile ?? process.env.FINETUNE_APPROVAL_POLICY;
  const current = policyFile ? await readCurrentPolicy(policyFile) : undefined;
  return verifyAnswer(await traceFrom(client, start, w), current);
}
