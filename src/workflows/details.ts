import { DECISION_SIGNAL_INPUT, decisionCommands } from '../shared/commandHints.js';
import type { PolicySummary } from '../shared/approvalTypes.js';
import type { PipelineStage } from '../shared/types.js';

// The pipeline's "current details" in the Web UI (markdown; also `progress.details`). Every one
// leads with the stage, so the first line says where the pipeline is; pure, so unit-tested.

/** `**awaiting approval** — text`. */
export function stageDetails(stage: PipelineStage, text?: string): string {
  const head = `**${stage.replace(/_/g, ' ')}**`;
  return text ? `${head} — ${text}` : head;
}

/**
 * Waiting for a person (after the stage): the gates' verdicts, then the ways to decide, as
 * commands (the namespace when not the default; the address is the reader's own) and the signal.
 */
export function awaitingApprovalText(
  workflowId: string,
  namespace: string,
  gatesText: string,
  policy?: PolicySummary,
): string {
  const { approve, reject } = decisionCommands(workflowId, 'NAME', { namespace });
  if (policy) {
    // Under an approval policy only a signed decision counts: say so, and how to sign.
    return [
      `signed decisions decide whether this model is promoted: ${policy.rule} (approval policy ${policy.digest})`,
      gatesText,
      `**Decide:** \`${approve} --sign ~/.ssh/id_ed25519\` or \`${reject} --sign ~/.ssh/id_ed25519\` ` +
        '(or `--print-payload`, sign it with `ssh-keygen -Y sign -n finetune-approval`, then `--signature FILE`).',
    ].join('\n\n');
  }
  return [
    'a person decides whether this model is promoted',
    gatesText,
    `**Decide:** \`${approve}\` or \`${reject}\` (add \`--address host:port\` when your Temporal is not at $TEMPORAL_ADDRESS), ` +
      `or **Send a Signal** \`approvePromotion\` / \`rejectPromotion\` with input \`${DECISION_SIGNAL_INPUT}\`.`,
  ].join('\n\n');
}
