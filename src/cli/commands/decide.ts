import { Command } from 'commander';
import { DecisionRefusedError, decidePromotion } from '../../client/promotion.js';
import { NoWorkerError } from '../../client/pollers.js';
import {
  decideSigned,
  decisionPayload,
  keyFingerprint,
  signDecision,
  signedFromFiles,
  SigningError,
} from '../../client/signedDecision.js';
import { payloadText } from '../../approvals/index.js';
import type { SignedDecision } from '../../shared/approvalTypes.js';
import type { DecisionKind } from '../../shared/promotionTypes.js';
import { numberIn } from '../numberOption.js';
import { renderDecision } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

interface DecideFlags extends TemporalFlags {
  by?: string;
  role?: string;
  comment?: string;
  sign?: string;
  printPayload: boolean;
  signature?: string;
  payload?: string;
  validForMinutes: number;
  json: boolean;
}

/** `--signature x.json.sig` reads its payload from `x.json` (where ssh-keygen -Y sign put it). */
const payloadBeside = (signatureFile: string): string =>
  signatureFile.endsWith('.sig') ? signatureFile.slice(0, -'.sig'.length) : `${signatureFile}.json`;

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
      .option(
        '--by <name>',
        "who decides (checked against the pipeline's approvers); with a signature: the principal in the approval policy, found by the key when not given",
      )
      .option('--comment <text>', 'why; recorded with the decision (and signed with it)')
      .option(
        '--sign <keyFile>',
        'sign the decision with this SSH key (ed25519; an encrypted key is signed by ssh-keygen -Y sign)',
      )
      .option(
        '--print-payload',
        'print the decision to sign (its exact text) and exit; sign it elsewhere with ssh-keygen -Y sign -n finetune-approval -f KEY FILE',
        false,
      )
      .option(
        '--signature <file>',
        'send a decision signed elsewhere: the SSH signature (FILE.sig); its payload is FILE (or --payload)',
      )
      .option('--payload <file>', 'with --signature: the signed payload, if not beside it')
      .option('--role <role>', 'the role you decide in (default: your first in the policy)')
      .option(
        '--valid-for-minutes <m>',
        "how long the signed decision stays valid (at most the policy's maxValidity)",
        numberIn(1, 7 * 24 * 60, true),
        60,
      )
      .option('--json', 'print JSON', false),
  ).action(async (workflowId: string, f: DecideFlags) => {
    const modes = [f.sign && !f.printPayload, f.printPayload, f.signature].filter(Boolean).length;
    if (modes > 1) throw new UserError('--sign, --print-payload and --signature go one at a time');
    if (f.signature && (f.comment || f.role)) {
      throw new UserError(
        '--comment and --role are part of what is signed: give them with --print-payload',
      );
    }
    if (!f.by && !f.sign && !f.signature) {
      throw new UserError(
        f.printPayload
          ? '--print-payload needs the signer: --by <principal> (or --sign <key> to find it by key)'
          : 'say who decides: --by <name>, or sign it: --sign <key>',
      );
    }
    const client = await clientFor(f);
    const payloadOptions = {
      decision,
      ...(f.by ? { approver: f.by } : {}),
      ...(f.role ? { role: f.role } : {}),
      ...(f.comment ? { comment: f.comment } : {}),
      validForMs: f.validForMinutes * 60_000,
    };
    try {
      if (f.printPayload) {
        const payload = await decisionPayload(client, workflowId, {
          ...payloadOptions,
          ...(f.sign ? { keyFingerprint: keyFingerprint(f.sign) } : {}),
        });
        // The exact bytes to sign: no newline after them (ssh-keygen signs the file as it is).
        process.stdout.write(payloadText(payload));
        return;
      }
      let signed: SignedDecision | undefined;
      if (f.signature)
        signed = signedFromFiles(f.payload ?? payloadBeside(f.signature), f.signature);
      else if (f.sign) signed = await signDecision(client, workflowId, f.sign, payloadOptions);
      const reply = signed
        ? await decideSigned(client, workflowId, decision, signed)
        : await decidePromotion(client, workflowId, decision, {
            by: f.by!,
            ...(f.comment ? { comment: f.comment } : {}),
          });
      process.stdout.write(f.json ? `${JSON.stringify(reply)}\n` : `${renderDecision(reply)}\n`);
    } catch (err) {
      if (err instanceof DecisionRefusedError) throw new UserError(`refused: ${err.message}`);
      if (err instanceof SigningError || err instanceof NoWorkerError)
        throw new UserError(err.message);
      throw err;
    }
  });
}

export const approveCommand = (): Command => decideCommand('approve');
export const rejectCommand = (): Command => decideCommand('reject');
