import { estimateCost } from './cost.js';
import { readHead, sniffEncoding, sniffedMessage } from './encoding.js';
import { IssueList } from './issues.js';
import { MAX_KEPT_ERRORS, MAX_KEPT_WARNINGS, MAX_LINE_BYTES } from './limits.js';
import { LineChecker } from './lineChecker.js';
import { JsonlLineReader } from './lineReader.js';
import { modelFacts, type ModelFacts } from './models.js';
import { PiiScanner } from './pii.js';
import { StatsBuilder } from './stats.js';
import { countExampleTokens, loadTokenCounter, type ExampleTokens } from './tokens.js';
import type { DatasetReport, ValidateDatasetOptions } from './types.js';

/** The only vision fine-tuning base model the guides name. */
const VISION_MODEL = /^gpt-4o-2024-08-06/;

/**
 * Streams a JSONL dataset once and reports format errors (1-based line numbers, each saying what
 * to fix), the sha256 digest, statistics, token counts, a cost estimate and optional PII counts.
 * Memory stays flat in file size. Rejects with the signal's reason when aborted.
 */
export async function validateDatasetFile(
  path: string,
  opts: ValidateDatasetOptions,
): Promise<DatasetReport> {
  const facts = modelFacts(opts.model);
  const counter = await loadTokenCounter(facts.encoding);
  // A UTF-16 or binary file gets one message naming what it is, not an error on every line; it
  // is still read through for its digest and size.
  const sniffed = sniffEncoding(await readHead(path));
  const reader = new JsonlLineReader(path, {
    signal: opts.signal,
    onProgress: opts.onProgress,
    progressIntervalMs: opts.progressIntervalMs,
    // Holding no line of a file that is not text keeps memory flat however few newlines it has.
    ...(sniffed ? { maxLineBytes: 0 } : {}),
  });
  const errors = new IssueList(MAX_KEPT_ERRORS);
  const warnings = new IssueList(MAX_KEPT_WARNINGS);
  const stats = new StatsBuilder(facts.contextLimit);
  const pii = opts.piiScan ? new PiiScanner() : undefined;
  const checker = new LineChecker(opts.method, opts.model);
  let rows = 0;
  let examples = 0;
  // Blank lines only matter when an example follows them; trailing ones are harmless.
  const blankRun: number[] = [];

  for await (const line of reader.read()) {
    if (sniffed) continue;
    if (line.hadBom)
      warnings.add(1, 'starts with a byte order mark; save the file as UTF-8 without BOM');
    if (line.text === undefined) {
      rows++;
      errors.add(
        line.number,
        line.problem === 'too-long'
          ? `is longer than ${MAX_LINE_BYTES / 2 ** 20} MiB; check that each example is on its own line`
          : 'is not valid UTF-8; save the file as UTF-8',
      );
      continue;
    }
    if (line.text.trim() === '') {
      blankRun.push(line.number);
      continue;
    }
    for (const blank of blankRun.splice(0)) {
      stats.blankLines++;
      warnings.add(blank, 'is blank; remove empty lines between examples');
    }
    rows++;
    pii?.scan(line.number, line.text);
    const result = checker.check(line.text, line.number);
    for (const message of result.errors) errors.add(line.number, message);
    for (const message of result.warnings) warnings.add(line.number, message);
    if (result.view && result.errors.length === 0) {
      examples++;
      const tokens = countExampleTokens(counter, result.view);
      stats.addExample(line.number, result.view, tokens);
      const problem = overContextProblem(tokens, facts);
      if (problem?.replyLost) errors.add(line.number, problem.message);
      else if (problem) warnings.add(line.number, problem.message);
    }
  }

  if (sniffed) errors.add(0, sniffedMessage(sniffed));
  else addFileIssues(rows, opts, errors);
  const tokens = stats.tokens({
    encoding: facts.encoding,
    contextLimitKnown: facts.contextLimitKnown,
  });
  const summary = stats.stats();
  if (!sniffed) addModelWarnings(facts, opts.model, tokens, summary.images, warnings);

  const report: DatasetReport = {
    ok: errors.count === 0,
    format: checker.format,
    method: opts.method,
    model: opts.model,
    digest: reader.digest(),
    bytes: reader.bytesRead,
    lines: reader.lines,
    rows,
    examples,
    errors: errors.kept,
    errorCount: errors.count,
    warnings: warnings.kept,
    warningCount: warnings.count,
    stats: summary,
    tokens,
  };
  const cost = estimateCost({
    examples,
    billableTokens: tokens.billableTotal,
    model: opts.model,
    method: opts.method,
    nEpochs: opts.nEpochs,
  });
  if (cost) report.cost = cost;
  if (pii) report.pii = pii.result();
  return report;
}

/**
 * An example over the training context is cut from the end. When what precedes its final reply
 * already fills the context, the reply it teaches is lost entirely and the example trains on
 * nothing of it: an error. A reply cut part-way still teaches its beginning: a warning.
 */
function overContextProblem(
  tokens: ExampleTokens,
  facts: ModelFacts,
): { replyLost: boolean; message: string } | undefined {
  const limit = facts.contextLimit;
  if (tokens.total <= limit) return undefined;
  const head = `has ${tokens.total} tokens, over the ${limit}-token training context of ${facts.baseModel}`;
  if (tokens.finalReplyStart !== undefined && tokens.finalReplyStart >= limit) {
    return {
      replyLost: true,
      message:
        `${head}, and the ${tokens.finalReplyStart} tokens before its final assistant reply already fill it: ` +
        'the service cuts from the end, so that reply is lost and the example teaches nothing of it; ' +
        'shorten what comes before the reply or split the example',
    };
  }
  return {
    replyLost: false,
    message: `${head}; the service cuts it from the end, so shorten or split it`,
  };
}

function addFileIssues(rows: number, opts: ValidateDatasetOptions, errors: IssueList): void {
  if (rows === 0) {
    errors.add(0, 'The file is empty; it needs one JSON example per line');
  } else if (rows < opts.minExamples) {
    errors.add(
      0,
      `The file has ${rows} example(s) but at least ${opts.minExamples} are needed ` +
        '(the service rejects fewer than 10; results usually improve from 50–100); add more examples',
    );
  }
}

function addModelWarnings(
  facts: ModelFacts,
  model: string,
  tokens: DatasetReport['tokens'],
  images: number,
  warnings: IssueList,
): void {
  if (!facts.contextLimitKnown) {
    warnings.add(
      0,
      `The training context of ${model} is not in our table; assumed ${facts.contextLimit} tokens for the over-limit count`,
    );
  }
  if (tokens.overLimit > 0) {
    warnings.add(
      0,
      `${tokens.overLimit} example(s) exceed the ${tokens.contextLimit}-token training context and will be cut ` +
        `from the end (first lines: ${tokens.overLimitLines.slice(0, 10).join(', ')}); shorten or split them`,
    );
  }
  if (images > 0 && !VISION_MODEL.test(facts.baseModel)) {
    warnings.add(
      0,
      `The examples hold ${images} image(s), but vision fine-tuning is documented only for gpt-4o-2024-08-06`,
    );
  }
}
