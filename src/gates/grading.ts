import type { GraderKind } from '../shared/promotionTypes.js';

// Deterministic graders of the eval gate and the aggregation of per-example scores. Pure. The
// model-graded score's prompt and parsing live in src/shared/graderPrompt.ts; here it is a number.

/**
 * Canonical form for comparing answers: Unicode NFKC (full-width → ASCII), lower case, format
 * characters (zero-width spaces) dropped, apostrophes dropped ("don't" = "dont"), other
 * punctuation turned into spaces — except between two digits, so "3.14", "1,000" and "10:30"
 * survive and 3.14 never equals 314, a leading minus, so -5 is not 5, and a percent sign after a
 * number — and whitespace runs collapsed. Symbols such as $ + stay: "$5" is not "5". Articles
 * are kept (the rule is language-neutral).
 */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Cf}/gu, '')
    .replace(/['’ʼ‘`´]/gu, '')
    .replace(/\u2212/gu, '-')
    .replace(/\p{P}/gu, keepNumericPunctuation)
    .replace(/\s+/gu, ' ')
    .trim();
}

const DIGIT = /^\d$/u;
const isDigit = (c: string | undefined): boolean => c !== undefined && DIGIT.test(c);

/**
 * Punctuation inside a number (3.14, 1,000, 10:30), a leading minus (-5) and a percent sign after
 * a number (50%) stay; any other punctuation mark becomes a space.
 */
function keepNumericPunctuation(mark: string, offset: number, whole: string): string {
  const before = whole[offset - 1];
  const after = whole[offset + mark.length];
  if (isDigit(before) && isDigit(after)) return mark;
  if (mark === '-' && isDigit(after) && (before === undefined || /\s/u.test(before))) return mark;
  if (mark === '%' && isDigit(before)) return mark;
  return ' ';
}

/** 1 when the answer equals the reference after normalisation, else 0. */
export function gradeExact(answer: string, reference: string): 0 | 1 {
  return normalizeAnswer(answer) === normalizeAnswer(reference) ? 1 : 0;
}

/**
 * 1 when the normalised reference occurs in the normalised answer as whole words ("4" is not in
 * "14"), else 0. An empty reference is only contained in an empty answer.
 */
export function gradeContains(answer: string, reference: string): 0 | 1 {
  const ref = normalizeAnswer(reference);
  const ans = normalizeAnswer(answer);
  if (ref === '') return ans === '' ? 1 : 0;
  return ` ${ans} `.includes(` ${ref} `) ? 1 : 0;
}

/** Thrown by compileRegex; raise it when the config is read, before any model is called. */
export class InvalidRegexError extends Error {
  override readonly name = 'InvalidRegexError';
}

/** Longest pattern accepted; a grader regex is a short check, not a parser. */
export const MAX_REGEX_LENGTH = 1000;
/** Longest answer a regex is run on; beyond it the answer is cut, bounding backtracking. */
export const MAX_REGEX_INPUT = 20_000;

const ALLOWED_FLAGS = /^[imsu]*$/;

/**
 * Compiles the eval gate's regex: either a bare pattern (`^yes\b`) or `/pattern/flags` with flags
 * from i, m, s, u. `g` and `y` are refused: they make `test` stateful, so the same answer would
 * alternate between pass and fail. Throws InvalidRegexError with the reason.
 */
export function compileRegex(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new InvalidRegexError('eval regex is empty; give a pattern such as ^\\s*yes\\b');
  }
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw new InvalidRegexError(
      `eval regex is ${pattern.length} characters long; at most ${MAX_REGEX_LENGTH} are allowed`,
    );
  }
  let source = pattern;
  let flags = '';
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (literal) {
    source = literal[1]!;
    flags = literal[2]!;
    if (!ALLOWED_FLAGS.test(flags)) {
      throw new InvalidRegexError(
        `eval regex ${JSON.stringify(pattern)} has flags "${flags}"; only i, m, s and u are allowed ` +
          '(g and y make the match depend on the previous answer)',
      );
    }
  }
  try {
    return new RegExp(source, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidRegexError(`eval regex ${JSON.stringify(pattern)} is invalid: ${reason}`);
  }
}

/** 1 when the regex matches the raw answer (not normalised), else 0. Compile the pattern first. */
export function gradeRegex(answer: string, pattern: RegExp): 0 | 1 {
  // A stateful regex would carry lastIndex from one answer to the next.
  const re =
    pattern.global || pattern.sticky
      ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
      : pattern;
  return re.test(answer.length > MAX_REGEX_INPUT ? answer.slice(0, MAX_REGEX_INPUT) : answer)
    ? 1
    : 0;
}

export type DeterministicGrader = Exclude<GraderKind, 'model'>;

/**
 * One example's scores by grader: a number 0..1, or null when that grader failed (the model
 * grader's reply could not be parsed, the call failed). A grader absent from a row did not run.
 */
export type ScoreRow = Partial<Record<GraderKind, number | null>>;

export interface AggregatedScores {
  /** Mean per grader over the rows it scored; absent when it scored none. */
  scores: Partial<Record<GraderKind, number>>;
  /** Rows each grader scored. */
  graded: Partial<Record<GraderKind, number>>;
  /** Rows each grader failed on: null, or not a number in 0..1. Not counted as 0. */
  errors: Partial<Record<GraderKind, number>>;
  /** Rows with at least one failed grader. */
  failedRows: number;
}

const GRADERS: readonly GraderKind[] = ['exact', 'contains', 'regex', 'model'];

/** Per-grader means; failures are counted apart and left out of the mean. */
export function aggregateScores(rows: readonly ScoreRow[]): AggregatedScores {
  const sums: Partial<Record<GraderKind, number>> = {};
  const graded: Partial<Record<GraderKind, number>> = {};
  const errors: Partial<Record<GraderKind, number>> = {};
  let failedRows = 0;
  for (const row of rows) {
    let failed = false;
    for (const grader of GRADERS) {
      if (!(grader in row)) continue;
      const value = row[grader];
      if (value === undefined) continue;
      if (value === null || !Number.isFinite(value) || value < 0 || value > 1) {
        errors[grader] = (errors[grader] ?? 0) + 1;
        failed = true;
        continue;
      }
      sums[grader] = (sums[grader] ?? 0) + value;
      graded[grader] = (graded[grader] ?? 0) + 1;
    }
    if (failed) failedRows++;
  }
  const scores: Partial<Record<GraderKind, number>> = {};
  for (const grader of GRADERS) {
    const n = graded[grader];
    if (n) scores[grader] = sums[grader]! / n;
  }
  return { scores, graded, errors, failedRows };
}
