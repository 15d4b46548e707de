import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import {
  aggregateScores,
  chatCostUsd,
  compileRegex,
  gradeContains,
  gradeExact,
  gradeRegex,
  InvalidRegexError,
  type ScoreRow,
} from '../../gates/index.js';
import { ErrorType } from '../../shared/errorTypes.js';
import { buildGraderMessages, parseGraderScore } from '../../shared/graderPrompt.js';
import type {
  EvalModelScore,
  EvalOptions,
  EvalReport,
  GraderKind,
} from '../../shared/promotionTypes.js';
import type { ChatFn } from '../../providers/types.js';
import { withPulse } from '../pulse.js';
import { readEvalExamples, type EvalExample } from './evalExamples.js';

export const DEFAULT_GRADER_MODEL = 'gpt-4.1-mini-2025-04-14';
export const DEFAULT_MAX_EXAMPLES = 50;
const CONCURRENCY = 4;

export interface EvalModel {
  role: EvalModelScore['role'];
  model: string;
  /** What to pass as `model` when it differs from the id (a deployment or endpoint name). */
  callAs?: string;
}

export interface EvaluateInput {
  models: EvalModel[];
  /** A local JSONL file on the worker (the validation file, or a downloaded version). */
  path: string;
  /** How the report names the data: the file, or the W&B dataset version. */
  label: string;
  options: EvalOptions;
  /** What to pass as `model` for the grader (a deployment name, where there is one). */
  graderCallAs?: string;
}

/** One example answered by one model, graded: a row of the eval Table. */
export interface EvalRow {
  line: number;
  role: EvalModelScore['role'];
  model: string;
  question: string;
  reference: string;
  answer: string | null;
  scores: ScoreRow;
  error?: string;
}

export interface EvaluateResult {
  report: EvalReport;
  rows: EvalRow[];
}

const lastUser = (e: EvalExample): string =>
  e.messages.findLast((m) => m.role === 'user')?.content ?? '';

/**
 * The evaluation gate's measurement: every model answers every example (temperature 0), each
 * answer is graded locally — exact match, contains, an optional regex, and a model-graded score
 * from a grader model — and tokens and cost are counted, grader calls included.
 */
export async function evaluateModels(chat: ChatFn, input: EvaluateInput): Promise<EvaluateResult> {
  const { options } = input;
  let regex: RegExp | undefined;
  try {
    regex = options.regex ? compileRegex(options.regex) : undefined;
  } catch (err) {
    if (err instanceof InvalidRegexError) {
      throw ApplicationFailure.nonRetryable(err.message, ErrorType.InvalidPromotionConfig);
    }
    throw err;
  }
  const graderModel = options.graderModel ?? DEFAULT_GRADER_MODEL;
  return withPulse(async (pulse) => {
    const signal = Context.current().cancellationSignal;
    const { examples } = await readEvalExamples(
      input.path,
      options.maxExamples ?? DEFAULT_MAX_EXAMPLES,
      signal,
    );
    const usage = new Map<
      string,
      { prompt: number; completion: number; usd: number | undefined }
    >();
    const spend = (key: string, model: string, prompt: number, completion: number) => {
      const u = usage.get(key) ?? { prompt: 0, completion: 0, usd: 0 };
      const usd = chatCostUsd(model, prompt, completion);
      usage.set(key, {
        prompt: u.prompt + prompt,
        completion: u.completion + completion,
        usd: u.usd === undefined || usd === undefined ? undefined : u.usd + usd,
      });
    };
    const tasks = input.models.flatMap((m) => examples.map((e) => ({ m, e })));
    const rows: EvalRow[] = new Array<EvalRow>(tasks.length);
    let next = 0;
    let done = 0;
    const work = async () => {
      for (let i = next++; i < tasks.length; i = next++) {
        const { m, e } = tasks[i]!;
        rows[i] = await answerAndGrade(chat, m, e, {
          regex,
          graderModel,
          graderCallAs: input.graderCallAs ?? graderModel,
          signal,
          spend,
        });
        pulse.checkpoint({ done: ++done, of: tasks.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, work));
    return { report: report(input, examples.length, rows, usage, options, graderModel), rows };
  });
}

interface GradeContext {
  regex: RegExp | undefined;
  graderModel: string;
  graderCallAs: string;
  signal: AbortSignal;
  spend: (key: string, model: string, prompt: number, completion: number) => void;
}

async function answerAndGrade(
  chat: ChatFn,
  m: EvalModel,
  e: EvalExample,
  ctx: GradeContext,
): Promise<EvalRow> {
  const base = {
    line: e.line,
    role: m.role,
    model: m.model,
    question: lastUser(e),
    reference: e.reference,
  };
  let answer: string;
  try {
    const a = await chat({ model: m.callAs ?? m.model, messages: e.messages, signal: ctx.signal });
    ctx.spend(m.role, m.model, a.promptTokens, a.completionTokens);
    answer = a.content;
  } catch (err) {
    if (isPermanent(err)) throw err; // a model that does not exist fails the gate, not a row
    return { ...base, answer: null, scores: {}, error: message(err) };
  }
  const scores: ScoreRow = {
    exact: gradeExact(answer, e.reference),
    contains: gradeContains(answer, e.reference),
    ...(ctx.regex ? { regex: gradeRegex(answer, ctx.regex) } : {}),
  };
  try {
    const g = await chat({
      model: ctx.graderCallAs,
      messages: buildGraderMessages({ question: base.question, reference: e.reference, answer }),
      maxTokens: 200,
      signal: ctx.signal,
    });
    ctx.spend('grader', ctx.graderModel, g.promptTokens, g.completionTokens);
    scores.model = parseGraderScore(g.content);
  } catch (err) {
    if (isPermanent(err)) throw err;
    scores.model = null;
  }
  return { ...base, answer, scores };
}

function report(
  input: EvaluateInput,
  examples: number,
  rows: EvalRow[],
  usage: Map<string, { prompt: number; completion: number; usd: number | undefined }>,
  options: EvalOptions,
  graderModel: string,
): EvalReport {
  const primary: GraderKind = options.primary ?? 'model';
  const models: EvalModelScore[] = input.models.map((m) => {
    const mine = rows.filter((r) => r.role === m.role);
    const agg = aggregateScores(mine.map((r) => r.scores));
    const u = usage.get(m.role) ?? { prompt: 0, completion: 0, usd: 0 };
    const scores: EvalModelScore['scores'] = {};
    for (const [kind, v] of Object.entries(agg.scores) as [GraderKind, number][]) {
      scores[kind] = round(v);
    }
    return {
      role: m.role,
      model: m.model,
      scores,
      score: scores[primary] ?? scores.exact ?? 0,
      promptTokens: u.prompt,
      completionTokens: u.completion,
      ...(u.usd !== undefined ? { usd: round(u.usd, 6) } : {}),
      errors: mine.filter((r) => r.error || r.scores.model === null).length,
    };
  });
  const score = (role: EvalModelScore['role']) => models.find((m) => m.role === role)?.score;
  const c = score('candidate');
  const b = score('base');
  const p = score('production');
  const all = [...usage.values()];
  const totalUsd = all.every((u) => u.usd !== undefined)
    ? round(
        all.reduce((s, u) => s + (u.usd ?? 0), 0),
        6,
      )
    : undefined;
  return {
    dataset: input.label,
    examples,
    primary,
    models,
    ...(c !== undefined && b !== undefined ? { deltaVsBase: round(c - b) } : {}),
    ...(c !== undefined && p !== undefined ? { deltaVsProduction: round(c - p) } : {}),
    ...(options.minScore !== undefined ? { threshold: options.minScore } : {}),
    totalTokens: all.reduce((s, u) => s + u.prompt + u.completion, 0),
    ...(totalUsd !== undefined ? { totalUsd } : {}),
    graderModel,
  };
}

const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;

function isPermanent(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.nonRetryable === true;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
