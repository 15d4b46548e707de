// The `finetune` command lines we print for a person to run next (CLI, Web UI details, sandbox).
// Pure and workflow-safe: the pipeline's current details use them too.

/** Where Temporal is when nothing says otherwise (the CLI's and the SDK's default). */
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

/** Single-quotes a shell word when it needs it (POSIX shells). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The server a printed command must reach; omitted parts are the defaults. */
export interface Reach {
  address?: string;
  namespace?: string;
}

/**
 * The flags that take a command to `reach` (with a leading space), or '' for the defaults: a
 * command printed with them runs as printed in any terminal, whatever its environment.
 */
export function reachFlags(reach: Reach = {}): string {
  const address =
    reach.address && reach.address !== DEFAULT_TEMPORAL_ADDRESS
      ? ` --address ${shellQuote(reach.address)}`
      : '';
  const namespace =
    reach.namespace && reach.namespace !== DEFAULT_NAMESPACE
      ? ` --namespace ${shellQuote(reach.namespace)}`
      : '';
  return `${address}${namespace}`;
}

export interface DecisionCommands {
  approve: string;
  reject: string;
}

/** `npx finetune approve/reject` for a pipeline, deciding as `by`. */
export function decisionCommands(
  workflowId: string,
  by: string,
  reach: Reach = {},
): DecisionCommands {
  const id = shellQuote(workflowId);
  const who = shellQuote(by);
  const flags = reachFlags(reach);
  return {
    approve: `npx finetune approve ${id} --by ${who}${flags}`,
    reject: `npx finetune reject ${id} --by ${who} --comment 'why not'${flags}`,
  };
}

/** `npx finetune kb approve/reject` for a knowledge-base ingest, deciding as `by`. */
export function kbDecisionCommands(
  workflowId: string,
  by: string,
  reach: Reach = {},
): DecisionCommands {
  const { approve, reject } = decisionCommands(workflowId, by, reach);
  return {
    approve: approve.replace('npx finetune approve', 'npx finetune kb approve'),
    reject: reject.replace('npx finetune reject', 'npx finetune kb reject'),
  };
}

/** The input the Web UI's "Send a Signal" dialog takes for `approvePromotion`/`rejectPromotion`. */
export const DECISION_SIGNAL_INPUT = '{"by": "your-name", "comment": "optional"}';
