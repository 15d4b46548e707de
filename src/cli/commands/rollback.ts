import { userInfo } from 'node:os';
import { Command } from 'commander';
import { payloadText } from '../../approvals/index.js';
import { rollback } from '../../client/promotion.js';
import { NoWorkerError } from '../../client/pollers.js';
import { DecisionRefusedError } from '../../client/promotion.js';
import { keyFingerprint, signedFromFiles, SigningError } from '../../client/signedDecision.js';
import {
  decideSignedRollback,
  rollbackPayload,
  signedRollback,
  type SignedRollbackOutcome,
} from '../../client/signedRollback.js';
import type { RollbackInput } from '../../shared/governanceTypes.js';
import { DEFAULT_PROMOTION_ALIAS } from '../../shared/promotionTypes.js';
import { EXIT } from '../exitCodes.js';
import { numberIn } from '../numberOption.js';
import { renderRollback } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { withWandbFlags, type WandbFlags } from '../wandbFlags.js';

interface RollbackFlags extends TemporalFlags, WandbFlags {
  to?: string;
  by?: string;
  reason: string;
  alias: string;
  sign?: string;
  printPayload: boolean;
  signature?: string;
  payload?: string;
  role?: string;
  comment?: string;
  validForMinutes: number;
  json: boolean;
}

/** `--signature x.json.sig` reads its payload from `x.json` (where ssh-keygen -Y sign put it). */
const payloadBeside = (signatureFile: string): string =>
  signatureFile.endsWith('.sig') ? signatureFile.slice(0, -'.sig'.length) : `${signatureFile}.json`;

export function rollbackCommand(): Command {
  return withWandbFlags(
    withTemporalFlags(
      new Command('rollback')
        .description(
          'Move the production alias back (default: to the version the current one replaced), for the model and its datasets',
        )
        .option('--to <version>', 'the version to go back to, e.g. v3')
        .option(
          '--by <name>',
          'who rolls back (required without a signature; with one, the signers are recorded)',
        )
        .option('--reason <text>', 'why; recorded on both versions')
        .option('--alias <name>', 'the alias to move', DEFAULT_PROMOTION_ALIAS)
        .option(
          '--sign <keyFile>',
          "under the worker's approval policy: sign the rollback with this SSH key (ed25519)",
        )
        .option(
          '--print-payload',
          'start the rollback, print the decision to sign (its exact text) and exit; sign it elsewhere with ssh-keygen -Y sign -n finetune-approval',
          false,
        )
        .option(
          '--signature <file>',
          'send a rollback decision signed elsewhere: the SSH signature (FILE.sig); its payload is FILE (or --payload)',
        )
        .option('--payload <file>', 'with --signature: the signed payload, if not beside it')
        .option('--role <role>', 'the role you sign in (default: your first in the policy)')
        .option('--comment <text>', 'signed with the decision and recorded')
        .option(
          '--valid-for-minutes <m>',
          "how long the signed decision stays valid (at most the policy's maxValidity)",
          numberIn(1, 7 * 24 * 60, true),
          60,
        )
        .option('--json', 'print JSON', false),
    ),
  ).action(async (f: RollbackFlags) => {
    if (f.to !== undefined && !/^(v\d+|[A-Za-z0-9_.-]+)$/.test(f.to)) {
      throw new UserError(`--to ${f.to}: give a version such as v3 or an alias`);
    }
    const modes = [f.sign && !f.printPayload, f.printPayload, f.signature].filter(Boolean).length;
    if (modes > 1) throw new UserError('--sign, --print-payload and --signature go one at a time');
    if (f.signature && (f.comment || f.role)) {
      throw new UserError(
        '--comment and --role are part of what is signed: give them with --print-payload',
      );
    }
    if (!f.signature && !f.reason) throw new UserError('say why: --reason <text>');
    if (modes === 0 && !f.by) throw new UserError('say who rolls back: --by <name>');
    if (f.printPayload && !f.by && !f.sign) {
      throw new UserError(
        '--print-payload needs the signer: --by <principal> (or --sign <key> to find it by key)',
      );
    }
    const client = await clientFor(f);
    const input: RollbackInput = {
      project: f.project,
      entity: f.entity,
      collection: f.collection,
      alias: f.alias,
      to: f.to,
      // With a signature the signers are recorded; the requester is who ran the command.
      by: f.by ?? userInfo().username,
      reason: f.reason,
    };
    const sign = {
      ...(f.role ? { role: f.role } : {}),
      ...(f.comment ? { comment: f.comment } : {}),
      validForMs: f.validForMinutes * 60_000,
      taskQueue: f.taskQueue,
    };
    try {
      if (f.printPayload) {
        const payload = await rollbackPayload(client, input, {
          ...sign,
          ...(f.by ? { approver: f.by } : {}),
          ...(f.sign ? { keyFingerprint: keyFingerprint(f.sign) } : {}),
        });
        // The exact bytes to sign: no newline after them (ssh-keygen signs the file as it is).
        process.stdout.write(payloadText(payload));
        return;
      }
      if (f.sign || f.signature) {
        const outcome = f.sign
          ? await signedRollback(client, input, f.sign, sign)
          : await decideSignedRollback(
              client,
              signedFromFiles(f.payload ?? payloadBeside(f.signature!), f.signature!),
            );
        report(outcome, f.json);
        return;
      }
      const result = await rollback(client, input, { taskQueue: f.taskQueue });
      process.stdout.write(
        f.json ? `${JSON.stringify(result)}\n` : `${renderRollback(result, input.by)}\n`,
      );
    } catch (err) {
      if (err instanceof DecisionRefusedError) throw new UserError(`refused: ${err.message}`);
      if (err instanceof SigningError || err instanceof NoWorkerError)
        throw new UserError(err.message);
      throw new UserError((err as Error).message);
    }
  });
}

/** Moved: what moved. Short of the quorum: who signed, what is missing, how others sign (exit 3). */
function report(o: SignedRollbackOutcome, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(o)}\n`);
  } else if (o.result) {
    process.stdout.write(`${renderRollback(o.result, o.reply.decision?.by ?? '')}\n`);
    process.stdout.write(`signed by ${o.reply.decision?.by} (verified)\n`);
  } else {
    const q = o.reply.pending!;
    process.stdout.write(
      `rollback ${o.workflowId} waits for signatures (${q.rule}): signed by ${q.have.join(', ')}; missing ${q.missing.join(', ')}\n` +
        `  others sign with: finetune approve ${o.workflowId} --sign <ssh key>\n`,
    );
  }
  if (!o.result) process.exitCode = EXIT.awaitingDecision;
}
