import { basename } from 'node:path';
import {
  DECISION_SIGNAL_INPUT,
  decisionCommands,
  reachFlags,
  shellQuote,
  type Reach,
} from '../shared/commandHints.js';
import { DEFAULT_PROMOTION_ALIAS } from '../shared/promotionTypes.js';
import type { PipelineInput } from '../shared/types.js';

// What the Temporal Web UI shows at the top of a pipeline, set once at its start: a one-line
// summary (also in the workflow list) and details in markdown. Where the pipeline is now lives in
// its current details (src/workflows/details.ts), which both point to.

/** One line: what it trains, on what, and where to look for the rest. */
export function pipelineSummary(input: PipelineInput): string {
  const data = [input.training, input.validation]
    .flatMap((ref) => (ref ? [basename(ref.path)] : []))
    .join(' + ');
  return `fine-tune ${input.model} on ${data} · stage and next step: Current Details`;
}

function promotionLine(input: PipelineInput): string {
  const p = input.promotion;
  if (p === false) return 'Promotion is off: the pipeline ends at `succeeded` with the model id.';
  const alias = p?.alias ?? DEFAULT_PROMOTION_ALIAS;
  if (p?.autoApprove)
    return `Then the gates run and the model is promoted to \`${alias}\` automatically (as ${p.autoApprove.by}).`;
  const who = p?.approvers?.length ? ` (approvers: ${p.approvers.join(', ')})` : '';
  return `Then the gates run (PII, token limit, drift, evaluation) and it waits at \`awaiting_approval\` for a person${who} before \`${alias}\` moves.`;
}

/** Markdown: what the pipeline does, and the commands that watch, decide and stop it. */
export function pipelineStaticDetails(
  input: PipelineInput,
  workflowId: string,
  reach: Reach,
): string {
  const id = shellQuote(workflowId);
  const flags = reachFlags(reach);
  const { approve, reject } = decisionCommands(workflowId, 'NAME', reach);
  const validation = input.validation ? `, validated on \`${input.validation.path}\`` : '';
  return [
    `**Fine-tunes** \`${input.model}\` (${input.method?.type ?? 'supervised'}) on \`${input.training.path}\`${validation}. ${promotionLine(input)}`,
    '**Where it is now:** Current Details (the stage, the gates, the command to run next).',
    `**Watch:** \`npx finetune status ${id} --watch${flags}\` · **stop:** \`npx finetune cancel ${id}${flags}\``,
    input.promotion === false
      ? ''
      : `**Decide** (at \`awaiting_approval\`): \`${approve}\` or \`${reject}\`, or **Send a Signal** \`approvePromotion\` / \`rejectPromotion\` with \`${DECISION_SIGNAL_INPUT}\`.`,
  ]
    .filter(Boolean)
    .join('\n\n');
}
