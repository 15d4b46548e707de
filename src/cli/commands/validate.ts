import { Command, Option } from 'commander';
import { datasetKind, issueText } from '../../dataset/describe.js';
import type { DatasetReport } from '../../dataset/types.js';
import { FINE_TUNE_METHOD_TYPES, type FineTuneMethodType } from '../../shared/types.js';
import { EXIT } from '../exitCodes.js';
import { integerFrom, positiveIntegerOrAuto } from '../numberOption.js';

/** The model `finetune validate` checks against when none is given (the README's example). */
export const DEFAULT_VALIDATE_MODEL = 'gpt-4.1-mini-2025-04-14';

export interface LocalCheck {
  path: string;
  /** Training data needs at least 10 examples; a validation file only has to parse. */
  role: 'training' | 'validation';
}

export interface LocalCheckOptions {
  model: string;
  method: FineTuneMethodType;
  nEpochs?: number;
  piiScan?: boolean;
  /** The minimum for training files (the service's is 10). */
  minExamples?: number;
}

/** A file's outcome: its report, or why it could not be read at all. */
export type CheckedFile =
  | { path: string; role: LocalCheck['role']; report: DatasetReport }
  | { path: string; role: LocalCheck['role']; unreadable: string };

/** Runs the worker's dataset checks on this machine: no Temporal server, no upload, no key. */
export async function checkDatasetsLocally(
  files: LocalCheck[],
  opts: LocalCheckOptions,
): Promise<CheckedFile[]> {
  const { validateDatasetFile } = await import('../../dataset/validate.js');
  const out: CheckedFile[] = [];
  for (const f of files) {
    try {
      const report = await validateDatasetFile(f.path, {
        model: opts.model,
        method: opts.method,
        minExamples: f.role === 'training' ? (opts.minExamples ?? 10) : 1,
        piiScan: opts.piiScan ?? false,
        ...(opts.nEpochs !== undefined ? { nEpochs: opts.nEpochs } : {}),
      });
      out.push({ path: f.path, role: f.role, report });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === 'ENOENT'
          ? 'no such file'
          : e.code === 'EISDIR'
            ? 'is a directory, not a file'
            : e.code === 'EACCES'
              ? 'permission denied'
              : e.message;
      out.push({ path: f.path, role: f.role, unreadable: why });
    }
  }
  return out;
}

export const fileOk = (f: CheckedFile): boolean => 'report' in f && f.report.ok;

const n = (x: number): string => x.toLocaleString('en-US');

function costLine(r: DatasetReport): string | undefined {
  const c = r.cost;
  if (!c) return undefined;
  const epochs = `${c.epochs} epoch(s)${c.epochsFrom === 'heuristic' ? ' (the service default for this size)' : ''}`;
  const trained = `${n(c.estimatedTrainedTokens)} trained tokens over ${epochs}`;
  if (c.estimatedUsd !== undefined && c.pricePerMillionUsd !== undefined)
    return `~$${c.estimatedUsd.toFixed(2)}: ${trained} at $${c.pricePerMillionUsd}/1M`;
  return `${trained}${c.note ? `; ${c.note}` : ''}`;
}

/** Text for one checked file: headline, every kept error and warning with its line, tokens, cost. */
export function renderCheckedFile(f: CheckedFile): string {
  if (!('report' in f)) return `${f.path}: cannot read it (${f.unreadable})`;
  const r = f.report;
  const lines: string[] = [];
  const kind = datasetKind(r);
  if (r.ok) {
    lines.push(
      `${f.path}: ok — ${kind} of ${n(r.examples)} example(s) for ${r.model} (method ${r.method})`,
    );
  } else {
    const what = r.format === 'unknown' ? kind : `${kind}, but not a valid one`;
    lines.push(`${f.path}: ${n(r.errorCount)} error(s) — ${what}; fix them before training`);
  }
  for (const e of r.errors) lines.push(`  error    ${issueText(e)}`);
  if (r.errorCount > r.errors.length)
    lines.push(
      `  error    … and ${n(r.errorCount - r.errors.length)} more (first ${r.errors.length} shown)`,
    );
  for (const w of r.warnings) lines.push(`  warning  ${issueText(w)}`);
  if (r.warningCount > r.warnings.length)
    lines.push(
      `  warning  … and ${n(r.warningCount - r.warnings.length)} more (first ${r.warnings.length} shown)`,
    );
  if (r.examples > 0) {
    const t = r.tokens;
    lines.push(
      `  tokens   ${n(t.total)} in ${n(r.examples)} example(s) (per example: median ${n(t.perExample.p50)}, max ${n(t.perExample.max)}); ` +
        `${n(t.billableTotal)} billable per epoch; context ${n(t.contextLimit)}${t.contextLimitKnown ? '' : ' (assumed)'}` +
        (t.overLimit > 0 ? `; ${n(t.overLimit)} over it` : ''),
    );
    // A price for data that cannot train would mislead; validation data is not trained on.
    const cost = f.role === 'training' && r.ok ? costLine(r) : undefined;
    if (cost) lines.push(`  cost     ${cost}`);
  }
  if (r.pii && r.pii.linesWithPii > 0)
    lines.push(
      `  pii      ${r.pii.emails} e-mail(s), ${r.pii.phones} phone number(s), ${r.pii.cardNumbers} card number(s) ` +
        `(first lines: ${r.pii.lines.slice(0, 10).join(', ')})`,
    );
  return lines.join('\n');
}

/** The JSON `--json` prints: every file's full report (or why it could not be read). */
export function checkedFilesJson(files: CheckedFile[]): string {
  return JSON.stringify({
    ok: files.every(fileOk),
    files: files.map((f) => ('report' in f ? { path: f.path, role: f.role, ...f.report } : f)),
  });
}

interface ValidateFlags {
  validation: string[];
  model: string;
  method: FineTuneMethodType;
  epochs?: number | 'auto';
  minExamples: number;
  piiScan: boolean;
  json: boolean;
}

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'Check dataset files on this machine, as the worker will: errors with line numbers, warnings, tokens, cost (no server needed)',
    )
    .argument('<files...>', 'JSONL dataset files (training data: at least --min-examples each)')
    .option(
      '--validation <file.jsonl>',
      'a validation file (it only has to parse: no minimum count, no cost); repeatable',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--model <name>', 'base model the data is for', DEFAULT_VALIDATE_MODEL)
    .addOption(
      new Option('--method <type>', 'fine-tuning method')
        .choices(FINE_TUNE_METHOD_TYPES)
        .default('supervised'),
    )
    .option('--epochs <n|auto>', 'n_epochs, for the cost estimate', positiveIntegerOrAuto(50))
    .option(
      '--min-examples <n>',
      'fewest examples a file needs (the service rejects training files under 10)',
      integerFrom(1),
      10,
    )
    .option('--pii-scan', 'also count e-mail addresses, phone and card numbers', false)
    .option('--json', 'print the full reports as JSON', false)
    .addHelpText(
      'after',
      '\nExit status: 0 when every file is valid (warnings allowed), 1 when any has errors.',
    )
    .action(async (paths: string[], f: ValidateFlags) => {
      const checked = await checkDatasetsLocally(
        [
          ...paths.map((path) => ({ path, role: 'training' as const })),
          ...f.validation.map((path) => ({ path, role: 'validation' as const })),
        ],
        {
          model: f.model,
          method: f.method,
          minExamples: f.minExamples,
          piiScan: f.piiScan,
          ...(typeof f.epochs === 'number' ? { nEpochs: f.epochs } : {}),
        },
      );
      if (f.json) process.stdout.write(`${checkedFilesJson(checked)}\n`);
      else process.stdout.write(`${checked.map(renderCheckedFile).join('\n\n')}\n`);
      if (!checked.every(fileOk)) process.exitCode = EXIT.userError;
    });
}
