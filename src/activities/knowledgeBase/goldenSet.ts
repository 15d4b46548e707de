import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';

// The retrieval gate's golden set: JSONL, one question per line with the ids of the documents
// that answer it — `{"question": "How long do refunds take?", "relevant": ["policies/refunds.md"]}`.
// Labels name documents, not chunks, so they survive re-chunking.

export interface GoldenQuestion {
  question: string;
  relevant: string[];
}

const MAX_PROBLEMS = 5;

export function parseGoldenSet(text: string, where: string): GoldenQuestion[] {
  const questions: GoldenQuestion[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not valid JSON`);
      return;
    }
    const r = v as { question?: unknown; relevant?: unknown };
    const relevant = typeof r.relevant === 'string' ? [r.relevant] : r.relevant;
    if (typeof r.question !== 'string' || !r.question.trim()) {
      problems.push(`line ${i + 1}: no "question" (a non-empty string)`);
    } else if (
      !Array.isArray(relevant) ||
      relevant.length === 0 ||
      !relevant.every((d) => typeof d === 'string' && d)
    ) {
      problems.push(`line ${i + 1}: "relevant" must name at least one document id`);
    } else {
      questions.push({ question: r.question, relevant: [...new Set(relevant as string[])] });
    }
  });
  if (problems.length > 0 || questions.length === 0) {
    const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
    throw ApplicationFailure.nonRetryable(
      `The golden set ${where} cannot be used: ${problems.length ? shown : 'it has no questions'}${problems.length > MAX_PROBLEMS ? `; and ${problems.length - MAX_PROBLEMS} more` : ''}. Each line: {"question": "…", "relevant": ["<document id>", …]}.`,
      ErrorType.KbGoldenSetInvalid,
    );
  }
  return questions;
}

export async function readGoldenFile(
  path: string,
): Promise<{ text: string; questions: GoldenQuestion[] }> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw ApplicationFailure.nonRetryable(
      `The golden set ${path} cannot be read on the worker (${err.code ?? err.message}).`,
      ErrorType.KbGoldenSetInvalid,
    );
  });
  return { text, questions: parseGoldenSet(text, path) };
}
