import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { rootMessage, startFineTunePipeline } from '../../client/pipeline.js';
import type {
  FineTuneMethod,
  PipelineInput,
  SupervisedHyperparameters,
} from '../../shared/types.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { addPromotionFlags, promotionFromFlags, type PromotionFlags } from '../promotionFlags.js';

interface StartFlags extends TemporalFlags, PromotionFlags {
  training: string;
  validation?: string;
  model: string;
  method: FineTuneMethod['type'];
  grader?: string;
  epochs?: string;
  batchSize?: string;
  lrMultiplier?: string;
  beta?: string;
  suffix?: string;
  seed?: string;
  metadata: string[];
  workflowId?: string;
  taskQueue?: string;
  piiScan: 'off' | 'warn' | 'block';
  localCheck: boolean;
  wait: boolean;
  json: boolean;
}

const autoOrNumber = (flag: string, v: string | undefined): number | 'auto' | undefined => {
  if (v === undefined || v === 'auto') return v;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`--${flag} must be a positive number or "auto", got "${v}"`);
  return n;
};

function datasetPath(flag: string, p: string, localCheck: boolean): string {
  const abs = resolve(p);
  if (localCheck && !existsSync(abs)) {
    throw new UserError(
      `--${flag} ${p}: no such file here. Give a JSONL file path; if it exists only where the worker runs, add --no-local-check.`,
    );
  }
  return abs;
}

async function buildMethod(f: StartFlags): Promise<FineTuneMethod> {
  const hp: SupervisedHyperparameters = {
    n_epochs: autoOrNumber('epochs', f.epochs),
    batch_size: autoOrNumber('batch-size', f.batchSize),
    learning_rate_multiplier: autoOrNumber('lr-multiplier', f.lrMultiplier),
  };
  const hyperparameters = Object.fromEntries(Object.entries(hp).filter(([, v]) => v !== undefined));
  if (f.method === 'dpo')
    return {
      type: 'dpo',
      hyperparameters: { ...hyperparameters, beta: autoOrNumber('beta', f.beta) },
    };
  if (f.method === 'reinforcement') {
    if (!f.grader)
      throw new UserError(
        '--method reinforcement needs --grader <file.json> (the grader definition).',
      );
    let grader: Record<string, unknown>;
    try {
      grader = JSON.parse(await readFile(f.grader, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new UserError(
        `--grader ${f.grader}: cannot read it as JSON (${(err as Error).message}).`,
      );
    }
    return { type: 'reinforcement', grader, hyperparameters };
  }
  return { type: 'supervised', hyperparameters };
}

function parseMetadata(pairs: string[]): Record<string, string> | undefined {
  if (!pairs.length) return undefined;
  return Object.fromEntries(
    pairs.map((p) => {
      const i = p.indexOf('=');
      if (i <= 0) throw new UserError(`--metadata expects key=value, got "${p}"`);
      return [p.slice(0, i), p.slice(i + 1)];
    }),
  );
}

export function startCommand(): Command {
  return withTemporalFlags(
    addPromotionFlags(
      new Command('start')
        .description('Start a fine-tune pipeline; prints the workflow id')
        .requiredOption('--training <file.jsonl>', 'training data (JSONL)')
        .option('--validation <file.jsonl>', 'validation data (JSONL)')
        .requiredOption('--model <name>', 'base model snapshot, e.g. gpt-4.1-mini-2025-04-14')
        .addOption(
          new Option('--method <type>', 'fine-tuning method')
            .choices(['supervised', 'dpo', 'reinforcement'])
            .default('supervised'),
        )
        .option('--grader <file.json>', 'grader definition (reinforcement)')
        .option('--epochs <n|auto>', 'n_epochs')
        .option('--batch-size <n|auto>', 'batch_size')
        .option('--lr-multiplier <x|auto>', 'learning_rate_multiplier')
        .option('--beta <x|auto>', 'DPO beta')
        .option('--suffix <text>', 'fine-tuned model name suffix (1-64 chars)')
        .option('--seed <n>', 'seed for reproducibility')
        .option('--metadata <key=value...>', 'job metadata pairs', [])
        .option('--workflow-id <id>', 'workflow id (default: finetune-<uuid>)')
        .option('--task-queue <name>', 'task queue of the worker', undefined)
        .addOption(
          new Option('--pii-scan <policy>', 'personal-data scan')
            .choices(['off', 'warn', 'block'])
            .default('off'),
        )
        .option('--no-local-check', 'do not check that the dataset files exist on this machine')
        .option('--wait', 'wait for the pipeline to finish and print its result', false)
        .option('--json', 'print JSON', false),
    ),
  ).action(async (f: StartFlags) => {
    if (f.suffix !== undefined && (f.suffix.length < 1 || f.suffix.length > 64)) {
      throw new UserError('--suffix must be 1 to 64 characters.');
    }
    const seed = f.seed === undefined ? undefined : Number(f.seed);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2147483647)) {
      throw new UserError('--seed must be an integer from 0 to 2147483647.');
    }
    const input: PipelineInput = {
      training: { path: datasetPath('training', f.training, f.localCheck) },
      validation: f.validation
        ? { path: datasetPath('validation', f.validation, f.localCheck) }
        : undefined,
      model: f.model,
      method: await buildMethod(f),
      suffix: f.suffix,
      seed,
      metadata: parseMetadata(f.metadata),
      piiScan: f.piiScan,
      promotion: promotionFromFlags(f),
    };
    const client = await clientFor(f);
    const started = await startFineTunePipeline(client, input, {
      workflowId: f.workflowId,
      taskQueue: f.taskQueue,
    });
    if (!f.wait) {
      process.stdout.write(
        f.json
          ? `${JSON.stringify({ workflowId: started.workflowId, runId: started.runId })}\n`
          : `${started.workflowId}\n`,
      );
      return;
    }
    try {
      const result = await started.handle.result();
      process.stdout.write(
        `${JSON.stringify({ workflowId: started.workflowId, ...result }, null, f.json ? 0 : 2)}\n`,
      );
    } catch (err) {
      throw new UserError(`pipeline ${started.workflowId} failed: ${rootMessage(err)}`);
    }
  });
}
