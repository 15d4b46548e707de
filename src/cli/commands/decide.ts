import { Command } from 'commander';
import { DecisionRefusedError, decidePromotion } from '../../client/promotion.js';
import { NoWorkerError } from '../../client/pollers.js';
import type { DecisionKind } from '../../shared/promotionTypes.js';
import { renderDecision } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

interface DecideFlags extends TemporalFlags {
  by: string;
  comment?: string;
  json: boolean;
}

function decideCommand(decision: DecisionKind): Command {
  const verb = decision === 'approve' ? 'approve' : 'reject';
  return withTemporalFlags(
    new Command(verb)
      .description(
        decision === 'approve'
          ? 'Approve a pipeline awaiting approval: its model (and datasets) become production'
          : 'Reject a pipeline awaiting approval: nothing is promoted',
      )
      .argument('<workflowId>', 'the pipeline')
      .requiredOption('--by <name>', "who decides (checked against the pipeline's approvers)")
      .option('--comment <text>', 'why; recorded with the decision')
      .option('--json', 'print JSON', false),
  ).action(async (workflowId: string, f: DecideFlags) => {
    const client = await clientFor(f);
    try {
      const reply = await decidePromotion(client, workflowId, decision, {
        by: f.by,
        ...(f.comment ? { comment: f.comment } : {}),
      });
      process.stdout.write(f.json ? `${JSON.stringify(reply)}\n` : `${renderDecision(reply)}\n`);
    } catch (err) {
      if (err instanceof DecisionRefusedError) throw new UserError(`refused: ${err.message}`);
      if (err instanceof NoWorkerError) throw new UserError(err.message);
      throw err;
    }
  });
}

export const approveCommand = (): Command => decideCommand('approve');
export const rejectCommand = (): Command => decideCommand('reject');
