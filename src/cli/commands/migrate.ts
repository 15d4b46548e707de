import { Command, Option } from 'commander';
import { startMigration } from '../../client/migration.js';
import { rootMessage } from '../../client/pipeline.js';
import { NoWorkerError } from '../../client/pollers.js';
import { DEFAULT_PROMOTION_ALIAS } from '../../shared/promotionTypes.js';
import { defaultTaskQueue, PROVIDER_NAMES } from '../../providers/registry.js';
import { SYNC_DEFAULTS } from '../../shared/syncTypes.js';
import { TASK_QUEUE } from '../../shared/types.js';
import { addPromotionFlags, promotionFromFlags, type PromotionFlags } from '../promotionFlags.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { WorkflowEndedError } from '../exitCodes.js';
import { integerFrom, numberIn } from '../numberOption.js';
import { UserError } from '../userError.js';
import { addWaitFlags, type WaitFlags } from '../waitFlags.js';

interface MigrateFlags extends TemporalFlags, PromotionFlags, WaitFlags {
  from: string;
  to: string;
  fromTaskQueue: string;
  toTaskQueue?: string;
  base?: string;
  model?: string;
  prompts?: string;
  maxExamples: number;
  minAgreement: number;
  project: string;
  entity?: string;
  collection: string;
  suffix?: string;
  json: boolean;
}

export function migrateCommand(): Command {
  return withTemporalFlags(
    addPromotionFlags(
      addWaitFlags(new Command('migrate'), 'the migration')
        .description(
          'Move a promoted model to another provider before it stops serving: golden set, retrain from the exact dataset version, agreement gate, approval and promotion',
        )
        .option('--from <alias|version|job>', 'what to move', DEFAULT_PROMOTION_ALIAS)
        .addOption(
          new Option('--to <provider>', 'the target provider')
            .choices(PROVIDER_NAMES)
            .makeOptionMandatory(),
        )
        .option('--from-task-queue <name>', "queue of the current provider's worker", TASK_QUEUE)
        .option(
          '--to-task-queue <name>',
          "queue of the target's worker (default: that provider's, e.g. fine-tune-<provider>)",
        )
        .option('--base <model>', "base model at the target (default: the current model's base)")
        .option(
          '--model <name>',
          'the same as --base: the base model to train at the target (e.g. an open-weight model)',
        )
        .option(
          '--prompts <ref>',
          'W&B dataset version whose prompts make the golden set (default: its validation version)',
        )
        .option('--max-examples <n>', 'golden set size', integerFrom(1), 50)
        .option(
          '--min-agreement <0..1>',
          'model-graded agreement the new model needs with the golden set',
          numberIn(0, 1),
          0.7,
        )
        .option('--project <name>', 'W&B project', SYNC_DEFAULTS.project)
        .option('--entity <name>', 'W&B entity')
        .option('--collection <name>', 'model artifact collection', 'model-metadata')
        .option('--suffix <text>', 'suffix of the new fine-tuned model')
        .option('--json', 'print JSON', false),
    ),
  ).action(async (f: MigrateFlags) => {
    const { minAgreement, maxExamples } = f;
    if (f.base && f.model && f.base !== f.model)
      throw new UserError('--base and --model name the same thing: give one of them.');
    const promotion = promotionFromFlags(f);
    const client = await clientFor(f);
    const started = await startMigration(client, {
      from: f.from,
      project: f.project,
      entity: f.entity,
      collection: f.collection,
      sourceTaskQueue: f.fromTaskQueue,
      targetTaskQueue: f.toTaskQueue ?? defaultTaskQueue(f.to),
      base: f.base ?? f.model,
      evalDataset: f.prompts,
      maxExamples,
      minAgreement,
      suffix: f.suffix,
      promotion: promotion === false ? undefined : promotion,
    }).catch((err: unknown) => {
      if (err instanceof NoWorkerError) throw new UserError(err.message);
      throw err;
    });
    const head = f.json
      ? JSON.stringify({
          workflowId: started.workflowId,
          pipelineWorkflowId: started.pipelineWorkflowId,
        })
      : `${started.workflowId}\nthe new model trains in ${started.pipelineWorkflowId}; approve it there when it waits:\n  finetune approve ${started.pipelineWorkflowId} --by NAME`;
    if (!f.wait) {
      process.stdout.write(`${head}\n`);
      return;
    }
    if (!f.json) process.stderr.write(`${head}\n`);
    try {
      const result = await started.handle.result();
      process.stdout.write(`${JSON.stringify(result, null, f.json ? 0 : 2)}\n`);
    } catch (err) {
      throw new WorkflowEndedError(`migration ${started.workflowId} failed: ${rootMessage(err)}`);
    }
  });
}
