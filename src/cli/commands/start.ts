import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { StartedPipeline } from '../../client/pipeline.js';
import { reachFlags, shellQuote } from '../../shared/commandHints.js';
import { rootMessage } from '../../shared/rootCause.js';
import {
  describeEstimatedCost,
  estimatedCostOf,
  type EstimatedCost,
} from '../../shared/estimatedCost.js';
import type { RunwayReport } from '../../shared/providerTypes.js';
import type {
  FineTuneMethod,
  PipelineInput,
  PipelineProgress,
  PipelineResult,
  SupervisedHyperparameters,
} from '../../shared/types.js';
import { FINE_TUNE_METHOD_TYPES, TASK_QUEUE } from '../../shared/types.js';
import { onShutdownSignal } from '../../shutdown.js';
import { EXIT, EXIT_CODES_HELP, PipelineEndedError, pipelineExitCode } from '../exitCodes.js';
import { addWaitFlags, type WaitFlags } from '../waitFlags.js';
import { positiveIntegerOrAuto, positiveNumberOrAuto, seed } from '../numberOption.js';
import { clientFor, reachOf, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import {
  checkDatasetsLocally,
  checkedFilesJson,
  fileOk,
  renderCheckedFile,
  type CheckedFile,
  type LocalCheck,
} from './validate.js';
import { addPromotionFlags, promotionFromFlags, type PromotionFlags } from '../promotionFlags.js';
import { addTuningFlags, tuningFromFlags, type TuningFlags } from '../tuningFlags.js';

interface StartFlags extends TemporalFlags, PromotionFlags, TuningFlags, WaitFlags {
  training: string;
  validation?: string;
  model: string;
  method: FineTuneMethod['type'];
  grader?: string;
  epochs?: number | 'auto';
  batchSize?: number | 'auto';
  lrMultiplier?: number | 'auto';
  beta?: number | 'auto';
  suffix?: string;
  seed?: number;
  metadata: string[];
  workflowId?: string;
  taskQueue?: string;
  piiScan: 'off' | 'warn' | 'block';
  localCheck: boolean;
  workerCheck: boolean;
  webhooks: boolean;
  json: boolean;
}

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
    n_epochs: f.epochs,
    batch_size: f.batchSize,
    learning_rate_multiplier: f.lrMultiplier,
  };
  const hyperparameters = Object.fromEntries(Object.entries(hp).filter(([, v]) => v !== undefined));
  if (f.method === 'dpo')
    return {
      type: 'dpo',
      hyperparameters: { ...hyperparameters, ...(f.beta !== undefined ? { beta: f.beta } : {}) },
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
    addTuningFlags(
      addPromotionFlags(
        addWaitFlags(new Command('start'), 'the pipeline')
          .description(
            'Start a fine-tune pipeline; once its pre-flight passed (datasets valid on the worker, the provider will train the model), prints the workflow id',
          )
          .requiredOption('--training <file.jsonl>', 'training data (JSONL)')
          .option('--validation <file.jsonl>', 'validation data (JSONL)')
          .requiredOption('--model <name>', 'base model snapshot, e.g. gpt-4.1-mini-2025-04-14')
          .addOption(
            new Option('--method <type>', 'fine-tuning method')
              .choices(FINE_TUNE_METHOD_TYPES)
              .default('supervised'),
          )
          .option('--grader <file.json>', 'grader definition (reinforcement)')
          .option('--epochs <n|auto>', 'n_epochs (1-50)', positiveIntegerOrAuto(50))
          .option('--batch-size <n|auto>', 'batch_size (1-256)', positiveIntegerOrAuto(256))
          .option('--lr-multiplier <x|auto>', 'learning_rate_multiplier', positiveNumberOrAuto)
          .option('--beta <x|auto>', 'DPO beta', positiveNumberOrAuto)
          .option('--suffix <text>', 'fine-tuned model name suffix (1-64 chars)')
          .option('--seed <n>', 'seed for reproducibility (0-2147483647)', seed)
          .option('--metadata <key=value...>', 'job metadata pairs', [])
          .option('--workflow-id <id>', 'workflow id (default: finetune-<uuid>)')
          .option('--task-queue <name>', 'task queue of the worker', undefined)
          .addOption(
            new Option('--pii-scan <policy>', 'personal-data scan')
              .choices(['off', 'warn', 'block'])
              .default('off'),
          )
          .option(
            '--no-local-check',
            'skip the checks on this machine (that the files exist and pass `finetune validate`); the worker still validates',
          )
          .option(
            '--no-worker-check',
            'start even when no worker polls the task queue (the pipeline waits for one)',
          )
          .option(
            '--webhooks',
            "the provider's webhooks reach a `finetune webhook` receiver: poll only as a sparse safety net (status --watch still polls often); default $FINETUNE_WEBHOOKS=1",
            process.env.FINETUNE_WEBHOOKS === '1' || process.env.FINETUNE_WEBHOOKS === 'true',
          )
          .option('--json', 'print JSON', false),
      ),
    ),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (f: StartFlags) => {
      if (f.suffix !== undefined && (f.suffix.length < 1 || f.suffix.length > 64)) {
        throw new UserError('--suffix must be 1 to 64 characters.');
      }
      const tuning = tuningFromFlags(f);
      const input: PipelineInput = {
        training: { path: datasetPath('training', f.training, f.localCheck) },
        validation: f.validation
          ? { path: datasetPath('validation', f.validation, f.localCheck) }
          : undefined,
        model: f.model,
        method: await buildMethod(f),
        suffix: f.suffix,
        seed: f.seed,
        metadata: parseMetadata(f.metadata),
        piiScan: f.piiScan,
        ...(tuning ? { tuning } : {}),
        ...(f.maxCost !== undefined ? { maxCostUsd: f.maxCost } : {}),
        promotion: promotionFromFlags(f),
        ...(f.webhooks ? { wait: { webhooks: true } } : {}),
      };
      if (f.localCheck) await checkLocally(f, input);
      // The Temporal client loads here, after the local check has had its say.
      const [{ startFineTunePipeline }, { hasWorkflowPollers, NoWorkerError, requireWorker }] =
        await Promise.all([import('../../client/pipeline.js'), import('../../client/pollers.js')]);
      const client = await clientFor(f);
      const taskQueue = f.taskQueue ?? TASK_QUEUE;
      if (f.workerCheck) {
        await requireWorker(
          client,
          taskQueue,
          'the pipeline',
          'pass --task-queue with the queue your worker listens on, or --no-worker-check to start it anyway (it waits for a worker).',
        ).catch((err: unknown) => {
          if (err instanceof NoWorkerError)
            throw new UserError(`${err.message}\nNothing was started.`);
          throw err;
        });
      }
      const reach = await reachOf(f);
      const started = await startFineTunePipeline(client, input, {
        workflowId: f.workflowId,
        taskQueue,
        reach,
      });
      const watch = `npx finetune status ${shellQuote(started.workflowId)} --watch${reachFlags(reach)}`;
      if (f.detach) return printStarted(f, started);
      if (!f.workerCheck && !(await hasWorkflowPollers(client, taskQueue))) {
        printStarted(f, started);
        process.stderr.write(
          `note: no worker polls task queue "${taskQueue}": the pipeline's pre-flight runs once one does; \`${watch}\` follows it.\n`,
        );
        return;
      }
      const stopWaiting = onShutdownSignal(() => {
        process.stderr.write(`\nstopped waiting; the pipeline goes on: \`${watch}\`\n`);
        process.exit(EXIT.interrupted);
      });
      try {
        const passed = await preflight(f, started, taskQueue);
        const estimatedCost = await reportPrice(f, started, passed, input.maxCostUsd);
        if (!f.wait) {
          printStarted(f, started, passed, estimatedCost);
          if (!f.json) process.stderr.write(`watch it: ${watch}\n`);
          return;
        }
        await waitForEnd(f, started, estimatedCost);
      } finally {
        stopWaiting();
      }
    });
}

/** The workflow id (and, once known, what the pre-flight learnt), as `start` prints it. */
function printStarted(
  f: StartFlags,
  started: StartedPipeline,
  passed?: PipelineProgress,
  estimatedCost?: EstimatedCost,
): void {
  process.stdout.write(
    f.json
      ? `${JSON.stringify({
          workflowId: started.workflowId,
          runId: started.runId,
          ...(passed ? { preflight: { passed: true, runway: passed.runway ?? null } } : {}),
          ...(passed ? { estimatedCost: estimatedCost ?? null } : {}),
        })}\n`
      : `${started.workflowId}\n`,
  );
}

/**
 * The training price, as `start` reports it: ours from the pre-flight, or, where the provider
 * prices the uploaded files (or --max-cost is set), the checked figure once the upload is done.
 * A run refused on price ends here, with the figure and its uploads deleted.
 */
async function reportPrice(
  f: StartFlags,
  started: StartedPipeline,
  passed: PipelineProgress,
  maxCostUsd: number | undefined,
): Promise<EstimatedCost | undefined> {
  let cost = estimatedCostOf(passed);
  const { priceComesAfterUpload, waitForCostEstimate } =
    await import('../../client/costEstimate.js');
  if (priceComesAfterUpload(passed, maxCostUsd)) {
    if (!f.json) process.stderr.write('uploading, then checking the training price…\n');
    const outcome = await waitForCostEstimate(started.handle);
    if (outcome.ended) {
      if (f.json)
        process.stdout.write(
          `${JSON.stringify({ workflowId: started.workflowId, runId: started.runId, preflight: { passed: true, runway: passed.runway ?? null }, estimatedCost: outcome.estimatedCost ?? null, failure: outcome.failure })}\n`,
        );
      throw new PipelineEndedError(
        `pipeline ${started.workflowId} stopped before training: ${outcome.failure}`,
      );
    }
    cost = outcome.estimatedCost;
  }
  if (cost && !f.json) process.stderr.write(`${describeEstimatedCost(cost)}\n`);
  return cost;
}

/**
 * Waits for the pipeline's pre-flight (validation on the worker, the provider's model check),
 * with a line per step on stderr: a doomed pipeline is an error now, not a workflow id.
 */
async function preflight(
  f: StartFlags,
  started: StartedPipeline,
  taskQueue: string,
): Promise<PipelineProgress> {
  const say = (line: string) => {
    if (!f.json) process.stderr.write(`${line}\n`);
  };
  const since = Date.now();
  const elapsed = () => `${((Date.now() - since) / 1000).toFixed(1)} s`;
  say(`started ${started.workflowId} on task queue "${taskQueue}"; its pre-flight on the worker:`);
  const { waitForPreflight } = await import('../../client/preflight.js');
  let current = '';
  const ticker = setInterval(() => say(`  … still ${current} (${elapsed()})`), 10_000);
  try {
    const outcome = await waitForPreflight(started.handle, {
      onStep: (step) => {
        current = step.text;
        const retry = step.retry
          ? ` (attempt ${step.retry.attempt}${step.retry.lastFailure ? `; the last one failed: ${step.retry.lastFailure}` : ''})`
          : '';
        say(`  ${step.text}${retry}…`);
      },
    });
    if (!outcome.passed) {
      if (f.json)
        process.stdout.write(
          `${JSON.stringify({ workflowId: started.workflowId, runId: started.runId, preflight: { passed: false, failure: outcome.failure } })}\n`,
        );
      throw new UserError(
        `pipeline ${started.workflowId} failed its pre-flight: ${outcome.failure}\n` +
          'Nothing was uploaded, versioned or trained.',
      );
    }
    const runway = outcome.progress.runway;
    say(`pre-flight passed in ${elapsed()}${runway ? `: ${runwayLine(runway)}` : ''}`);
    if (runway?.warning) say(`warning: ${runway.warning}`);
    return outcome.progress;
  } finally {
    clearInterval(ticker);
  }
}

function runwayLine(r: RunwayReport): string {
  const until = r.trainableUntil ? `until ${r.trainableUntil}` : 'with no announced end';
  const serves = r.servingUntil ? `; its fine-tunes serve until ${r.servingUntil}` : '';
  return `${r.provider} trains ${r.model} ${until}${serves}`;
}

/** `--wait`: the result once the pipeline ends; the exit code says how it ended (exitCodes.ts). */
async function waitForEnd(
  f: StartFlags,
  started: StartedPipeline,
  estimatedCost: EstimatedCost | undefined,
): Promise<void> {
  if (!f.json) process.stderr.write('waiting for the pipeline to end (--wait)…\n');
  const { WorkflowFailedError } = await import('@temporalio/client');
  let result: PipelineResult;
  try {
    result = await started.handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError)
      throw new PipelineEndedError(`pipeline ${started.workflowId} failed: ${rootMessage(err)}`);
    throw err;
  }
  process.stdout.write(
    `${JSON.stringify({ workflowId: started.workflowId, ...result, estimatedCost: estimatedCost ?? null }, null, f.json ? 0 : 2)}\n`,
  );
  process.exitCode = pipelineExitCode('COMPLETED', result.stage);
  if (result.stage === 'rejected' && !f.json) {
    const d = result.approval?.decision;
    process.stderr.write(
      `rejected${d ? ` by ${d.by} (${d.how})${d.comment ? `: ${d.comment}` : ''}` : ''}: nothing was promoted.\n`,
    );
  }
}

/**
 * The worker's dataset checks, run here first: a file that would fail validation on the worker
 * is refused with its report before any workflow exists.
 */
async function checkLocally(f: StartFlags, input: PipelineInput): Promise<void> {
  const files: LocalCheck[] = [{ path: input.training.path, role: 'training' }];
  if (input.validation) files.push({ path: input.validation.path, role: 'validation' });
  if (!f.json)
    process.stderr.write(
      `checking ${files.map((c) => c.path).join(' and ')} here first, as the worker will…\n`,
    );
  const checked = await checkDatasetsLocally(files, {
    model: input.model,
    method: input.method?.type ?? 'supervised',
    piiScan: f.piiScan !== 'off',
    ...(typeof f.epochs === 'number' ? { nEpochs: f.epochs } : {}),
  });
  const piiBlocked = (c: CheckedFile) =>
    f.piiScan === 'block' && 'report' in c && (c.report.pii?.linesWithPii ?? 0) > 0;
  const refused = checked.filter((c) => !fileOk(c) || piiBlocked(c));
  if (refused.length === 0) {
    if (!f.json) process.stderr.write(`${checked.map((c) => summaryLine(c)).join('\n')}\n`);
    return;
  }
  if (f.json) process.stdout.write(`${checkedFilesJson(checked)}\n`);
  else process.stderr.write(`${refused.map(renderCheckedFile).join('\n\n')}\n\n`);
  const why = refused.some((c) => !fileOk(c))
    ? 'the dataset would fail validation on the worker'
    : 'the dataset holds personal data and --pii-scan is block';
  throw new UserError(
    `Nothing was started: ${why}. Fix the file(s) and run the same command again ` +
      '(`finetune validate` checks a file alone; --no-local-check leaves the checks to the worker).',
  );
}

/** One line per checked file when it is fine: examples, tokens, cost, how many warnings. */
function summaryLine(c: CheckedFile): string {
  if (!('report' in c)) return `${c.role}: ${c.path}: ${c.unreadable}`;
  const r = c.report;
  const cost =
    c.role === 'training' && r.cost?.estimatedUsd !== undefined
      ? `, ~$${r.cost.estimatedUsd.toFixed(2)}`
      : '';
  const warnings =
    r.warningCount > 0
      ? ` (${r.warningCount} warning(s); \`finetune validate ${c.path}\` lists them)`
      : '';
  return `${c.role} ${c.path}: ok, ${r.examples} example(s), ${r.tokens.total} tokens${cost}${warnings}`;
}
