import { GRADER_MAX_SCORE, type GraderInput } from '../../shared/graderPrompt.js';
import { contentWordsOf, wordsOf } from './chatText.js';

/** Content words, or every word when the text has nothing but stopwords ("is it on?"). */
function gradedWords(text: string): string[] {
  const content = contentWordsOf(text);
  return content.length > 0 ? content : wordsOf(text);
}

/**
 * F1 of the word multisets: shared words over the lengths of both (1 when both are empty).
 * Stopwords are left out, or an unrelated answer would score for its "the" and "and".
 */
export function wordOverlap(reference: string, answer: string): number {
  const ref = gradedWords(reference);
  const ans = gradedWords(answer);
  if (ref.length === 0 || ans.length === 0) return ref.length === ans.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const w of ref) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of ans) {
    const left = counts.get(w) ?? 0;
    if (left > 0) {
      shared++;
      counts.set(w, left - 1);
    }
  }
  if (shared === 0) return 0;
  const precision = shared / ans.length;
  const recall = shared / ref.length;
  return (2 * precision * recall) / (precision + recall);
}

function reasonFor(score: number): string {
  if (score >= 9) return 'The answer says the same as the reference.';
  if (score >= 6)
    return 'The answer covers most of the reference but misses or changes some details.';
  if (score >= 3) return 'The answer shares only part of the reference and leaves out key points.';
  return 'The answer does not match the reference.';
}

/**
 * What the emulated judge replies to a grading request: the word overlap of answer and
 * reference as a 0..10 score, in the JSON the grader prompt asks for.
 */
export function gradeReply(request: GraderInput): string {
  const score = Math.round(wordOverlap(request.reference, request.answer) * GRADER_MAX_SCORE);
  return JSON.stringify({ score, reason: reasonFor(score) });
}
