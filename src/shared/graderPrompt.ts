// The model-grader convention: how an evaluation asks a chat model to score an answer against a
// reference, and how the judge's reply is read back. The product and the OpenAI emulator both use
// it, so the emulator can recognise a grading request and answer it offline.
// Workflow-safe: no Node imports.

/** First line of the grader's system message; the emulator recognises grading requests by it. */
export const GRADER_MARKER = '[finetune-grader v1]';
/** Scores are integers from 0 to this; `parseGraderScore` maps them to 0..1. */
export const GRADER_MAX_SCORE = 10;

export interface GraderInput {
  question: string;
  reference: string;
  answer: string;
}

export type GraderMessage = { role: 'system'; content: string } | { role: 'user'; content: string };

const SYSTEM = [
  GRADER_MARKER,
  'You are a strict grader. Compare the candidate answer with the reference answer to the question.',
  `Score from 0 (wrong, unrelated or empty) to ${GRADER_MAX_SCORE} (says everything the reference says, and nothing that contradicts it).`,
  'Reply with only a JSON object: {"score": <integer>, "reason": "<one short sentence>"}.',
].join('\n');

/** Precedes the request object in the user message; the object follows on one line. */
const REQUEST_HEADER = 'Grade this request (JSON, fields question, reference and answer):';

/**
 * The messages of a grading call. The three texts travel as one JSON object so that no answer,
 * however odd, can be mistaken for the boundary between them.
 */
export function buildGraderMessages(input: GraderInput): GraderMessage[] {
  const request = JSON.stringify({
    question: input.question,
    reference: input.reference,
    answer: input.answer,
  });
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `${REQUEST_HEADER}\n${request}` },
  ];
}

/**
 * The grading request in chat messages built by `buildGraderMessages`, or null when they are
 * not one (no marker, or no readable request in the last user message).
 */
export function readGraderRequest(
  messages: readonly { role: string; content: string }[],
): GraderInput | null {
  if (!messages.some((m) => m.role !== 'assistant' && m.content.includes(GRADER_MARKER))) {
    return null;
  }
  const user = messages.findLast((m) => m.role === 'user')?.content ?? '';
  const at = user.indexOf(REQUEST_HEADER);
  if (at < 0) return null;
  try {
    const parsed: unknown = JSON.parse(user.slice(at + REQUEST_HEADER.length));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { question, reference, answer } = parsed as Record<string, unknown>;
    if (typeof question !== 'string' || typeof reference !== 'string') return null;
    if (typeof answer !== 'string') return null;
    return { question, reference, answer };
  } catch {
    return null;
  }
}

/** A score out of `outOf` as 0..1; null when it is outside the scale. */
function scaled(value: number, outOf: number): number | null {
  if (!Number.isFinite(value) || !(outOf > 0) || value < 0 || value > outOf) return null;
  return value / outOf;
}

const NUMBER = String.raw`(-?\d+(?:\.\d+)?)`;
/** An optional scale after the number: `/10`, `out of 100`, `%`. */
const SCALE = String.raw`(?:\s*(?:/|out\s+of)\s*(\d+(?:\.\d+)?)|\s*(%))?`;
/** Between a label and its number: `: `, `** `, `" = `, ` - ` (a dash right before a digit is a sign). */
const SEP = String.raw`[\s*_"':=]*(?:[-\u2013\u2014]\s+)?[\s*_"':=]*`;
const LABELLED = new RegExp(
  String.raw`\b(?:score|rating|grade)\b${SEP}(?:(?:is|of|was)\b${SEP})?${NUMBER}${SCALE}`,
  'i',
);
const BARE = new RegExp(String.raw`^\s*${NUMBER}${SCALE}\s*\.?\s*$`);
const RATIO = new RegExp(String.raw`${NUMBER}\s*(?:/|out\s+of)\s*(10|100)\b`, 'i');

/**
 * "7", "7/10", "7 out of 10", "70%", optionally after a label: `Score: 7`, `**Rating** - 8/10`,
 * `score of 6`. A bare number counts only when it is the whole text.
 */
function scoreInText(text: string): number | null {
  const m = LABELLED.exec(text) ?? BARE.exec(text);
  if (m) {
    const outOf = m[3] ? 100 : m[2] ? Number(m[2]) : GRADER_MAX_SCORE;
    return scaled(Number(m[1]), outOf);
  }
  const r = RATIO.exec(text);
  return r ? scaled(Number(r[1]), Number(r[2])) : null;
}

/** The `score` of the outermost JSON object in the text (code fences and prose around it allowed). */
function scoreInJson(text: string): number | null | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entry = Object.entries(parsed).find(([key]) => /^(score|rating|grade)$/i.test(key));
  if (!entry) return undefined;
  const value: unknown = entry[1];
  if (typeof value === 'number') return scaled(value, GRADER_MAX_SCORE);
  if (typeof value === 'string') return scoreInText(value);
  return null;
}

/**
 * A judge's reply as a score in 0..1 (a 0..10 score divided by 10), or null when no score can
 * be read. Accepts the JSON the grader prompt asks for (`{"score": 7, "reason": "…"}`, also in a
 * code fence or with prose around it) and the ways real models stray from it (`Score: 7`,
 * `8/10`, `7 out of 10`, `70%`, a bare `7`). A score outside its scale is null, not clamped.
 */
export function parseGraderScore(text: string | null | undefined): number | null {
  if (!text) return null;
  const fromJson = scoreInJson(text);
  if (fromJson !== undefined) return fromJson;
  return scoreInText(text);
}
