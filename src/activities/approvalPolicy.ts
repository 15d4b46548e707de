import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { loadedPolicy } from '../approvals/index.js';
import { parsePolicy, PolicyError } from '../approvals/policySchema.js';
import type { LoadedPolicy } from '../shared/approvalTypes.js';
import { ErrorType } from '../shared/errorTypes.js';

// The approvers policy, held by the worker's side (FINETUNE_APPROVAL_POLICY), never by a
// pipeline's input: the starter cannot loosen it. Read afresh for each pipeline that starts, so
// a change applies to pipelines started after it; each records what it loaded in its history.

/** Where the worker's policy is; undefined: no policy (decisions are names as typed). */
export interface ApprovalPolicyDeps {
  approvalPolicyPath?: string;
}

/** Reads and checks the policy file; throws PolicyError (or the file error) with what to fix. */
export async function readPolicyFile(path: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PolicyError(
      `FINETUNE_APPROVAL_POLICY=${path} cannot be read: ${(err as Error).message}`,
    );
  }
  return loadedPolicy(parsePolicy(text, `FINETUNE_APPROVAL_POLICY=${path}`), path);
}

export function createApprovalPolicyActivities(deps: ApprovalPolicyDeps) {
  return {
    /** The policy this pipeline follows, or null when the worker has none. */
    async loadApprovalPolicy(): Promise<LoadedPolicy | null> {
      if (!deps.approvalPolicyPath) return null;
      try {
        return await readPolicyFile(deps.approvalPolicyPath);
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        // A broken policy is fixed by a person, not by a retry: fail the pipeline's start.
        throw ApplicationFailure.nonRetryable(err.message, ErrorType.InvalidApprovalPolicy);
      }
    },
  };
}
