import { FORMAT_NAMES } from './formats/index.js';
import type { DatasetIssue, DatasetReport } from './types.js';

/** `line 3 is not valid JSON (…)` for messages written to follow a line number, else `line 3: …`. */
export function issueText(issue: DatasetIssue): string {
  if (issue.line <= 0) return issue.message;
  const joined = /^(is|has|uses|calls|starts|exceeds) /.test(issue.message) ? ' ' : ': ';
  return `line ${issue.line}${joined}${issue.message}`;
}

/** What the file is, in words: "a supervised chat dataset", or that it is not one we recognise. */
export function datasetKind(report: Pick<DatasetReport, 'format'>): string {
  return report.format === 'unknown'
    ? 'not a dataset we recognise'
    : `a ${FORMAT_NAMES[report.format]} dataset`;
}

/**
 * The one-paragraph refusal of an invalid dataset: the headline and the first `shown` errors with
 * their line numbers, e.g. "train.jsonl is not a valid supervised chat dataset (3 error(s)) …", or
 * "blob.bin is not a dataset we recognise (1 error(s)) …" when no line was recognisable.
 */
export function describeDatasetProblems(path: string, report: DatasetReport, shown = 10): string {
  const head =
    report.format === 'unknown'
      ? `${path} is not a dataset we recognise`
      : `${path} is not a valid ${FORMAT_NAMES[report.format]} dataset`;
  const lines = report.errors.slice(0, shown).map((e) => `  ${issueText(e)}`);
  const more =
    report.errorCount > lines.length ? `\n  … and ${report.errorCount - lines.length} more` : '';
  return `${head} (${report.errorCount} error(s)); fix these and start again:\n${lines.join('\n')}${more}`;
}
