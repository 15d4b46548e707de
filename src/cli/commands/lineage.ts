import { Command } from 'commander';
import { traceFrom, type LineageAnswer } from '../../client/lineage.js';
import {
  LineageVerifyError,
  readCurrentPolicy,
  readSavedLineage,
  verifyAnswer,
} from '../../client/verifyLineage.js';
import { renderLineage, renderLineageVerification } from '../renderGovernance.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { withWandbFlags, type WandbFlags } from '../wandbFlags.js';

interface LineageFlags extends TemporalFlags, WandbFlags {
  json: boolean;
  verify: boolean;
  policy?: string;
  from?: string;
}

export function lineageCommand(): Command {
  return withWandbFlags(
    withTemporalFlags(
      new Command('lineage')
        .description(
          'The audit chain: dataset version → provider file → job → W&B run → model version → aliases, approver, what it replaced',
        )
        .argument(
          '<start>',
          'a model version (model-metadata:v3), a job id, or a pipeline workflow id',
        )
        .option(
          '--verify',
          'check every signed decision and the chain model → datasets → decision here, offline; exit 1 on any mismatch',
          false,
        )
        .option(
          '--policy <file>',
          "with --verify: today's approval policy, to report keys removed since (default: FINETUNE_APPROVAL_POLICY)",
        )
        .option(
          '--from <file>',
          'with --verify: a lineage saved with --json, verified without contacting anything',
        )
        .option('--json', 'print JSON', false),
    ),
  ).action(async (start: string, f: LineageFlags) => {
    if ((f.policy || f.from) && !f.verify)
      throw new UserError('--policy and --from go with --verify');
    let answer: LineageAnswer;
    try {
      if (f.from) answer = await readSavedLineage(f.from);
      else {
        const client = await clientFor(f);
        answer = await traceFrom(client, start, f);
      }
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    if (!f.verify) {
      process.stdout.write(f.json ? `${JSON.stringify(answer)}\n` : `${renderLineage(answer)}\n`);
      return;
    }
    if (f.from && answer.wandb && !sameVersion(start, answer.wandb.model)) {
      throw new UserError(`${f.from} is the lineage of ${answer.wandb.model.ref}, not ${start}`);
    }
    let verified;
    try {
      const policyFile = f.policy ?? process.env.FINETUNE_APPROVAL_POLICY;
      verified = verifyAnswer(answer, policyFile ? await readCurrentPolicy(policyFile) : undefined);
    } catch (err) {
      if (err instanceof LineageVerifyError) throw new UserError(err.message);
      throw err;
    }
    process.stdout.write(
      f.json
        ? `${JSON.stringify(verified)}\n`
        : `${renderLineage(answer)}\n\n${renderLineageVerification(verified.verification)}\n`,
    );
    const v = verified.verification;
    if (!v.ok) {
      throw new UserError(
        `VERIFICATION FAILED for ${v.modelRef}: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} (listed above)`,
      );
    }
  });
}

/** A saved lineage names its version in full; `start` may be `name:v3`, a job id or a workflow id. */
function sameVersion(start: string, model: { ref: string; jobId: string | null }): boolean {
  return (
    model.ref === start ||
    model.ref.endsWith(`/${start}`) ||
    model.jobId === start ||
    !/:|^ftjob-|\.ft-/.test(start)
  );
}
