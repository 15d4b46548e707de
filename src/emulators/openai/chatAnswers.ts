import type { ChatModel } from './chatModels.js';
import { contentWordsOf, normalizeText, sentencesOf, stableUnit } from './chatText.js';

/**
 * How the emulated chat models answer, deterministically (same model and prompt → same answer),
 * so that an evaluation can tell a fine-tuned model from its base offline:
 *
 * - a fine-tuned model gives the reference reply of its own training or validation data for
 *   most matching prompts (FINE_TUNED_EXACT_RATE), otherwise that reply with its last sentence
 *   (or last words) missing;
 * - a base model, or a fine-tuned one on data it was not trained on, knows a reply from any job's
 *   data here for fewer prompts (BASE_EXACT_RATE), otherwise it answers generically;
 * - a prompt no data has seen gets a generic answer that names a few of its words.
 *
 * Which prompts are answered exactly is decided by a hash of model and prompt, so rates hold over
 * a dataset while each single answer never changes.
 */

export const FINE_TUNED_EXACT_RATE = 0.85;
export const BASE_EXACT_RATE = 0.25;

/** What a model knows about one prompt. */
export interface Skill {
  reference: string;
  /** Chance (by hash) of giving the reference exactly. */
  exactRate: number;
  /** What a model gives when it does not: a near miss or a generic answer. */
  miss: 'near' | 'generic';
}

/**
 * The skill of `model` for a prompt: `own` is the reply its job's files teach, `recalled` the
 * reply any job's files here teach. A checkpoint part-way through training sits between base
 * and final model.
 */
export function skillFor(
  model: ChatModel,
  own: string | undefined,
  recalled: string | undefined,
): Skill | undefined {
  if (model.kind === 'fine-tuned' && own !== undefined) {
    const rate = BASE_EXACT_RATE + (FINE_TUNED_EXACT_RATE - BASE_EXACT_RATE) * model.progress;
    return { reference: own, exactRate: rate, miss: 'near' };
  }
  if (recalled !== undefined) {
    return { reference: recalled, exactRate: BASE_EXACT_RATE, miss: 'generic' };
  }
  return undefined;
}

export interface AnswerInput {
  /** The model as responses name it (a snapshot for an alias). */
  model: string;
  /** The last user message. */
  prompt: string;
  skill: Skill | undefined;
  /** 0 = as skilled as ever, 1 = always a generic (wrong) answer. */
  degradation: number;
  /** The choice index (`n` > 1 gives each choice its own draw). */
  choice: number;
}

/** Up to three content words of the prompt, in order: what the answer is "about". */
function topicOf(prompt: string): string {
  const words = [...new Set(contentWordsOf(prompt).filter((w) => w.length > 2))];
  const picked = words.slice(0, 3);
  if (picked.length === 0) return 'that';
  if (picked.length === 1) return `"${picked[0]}"`;
  return `"${picked.slice(0, -1).join('", "')}" and "${picked.at(-1)}"`;
}

const GENERIC_TEMPLATES: readonly ((topic: string) => string)[] = [
  (t) =>
    `Thanks for asking about ${t}. I don't have the exact details for your case, but starting with the basic checks usually helps; tell me more and I can be more specific.`,
  (t) =>
    `Good question about ${t}. It depends on your setup, so could you share a few more details about what you have tried so far?`,
  (t) =>
    `Here is what I can say about ${t}: try the usual first steps, and if the problem stays, contact support with the details.`,
];

export function genericAnswer(model: string, prompt: string): string {
  const pick = Math.floor(stableUnit('generic', model, normalizeText(prompt)) * 3);
  return GENERIC_TEMPLATES[pick]!(topicOf(prompt));
}

/**
 * The reference with its last sentence left out, or (one sentence) its last third of words;
 * a reference too short to shorten gets a generic answer instead.
 */
export function nearMiss(reference: string, model: string, prompt: string): string {
  const sentences = sentencesOf(reference);
  if (sentences.length > 1) return sentences.slice(0, -1).join(' ');
  const words = reference.trim().split(/\s+/u);
  if (words.length < 3) return genericAnswer(model, prompt);
  const kept = words.slice(0, Math.ceil((words.length * 2) / 3)).join(' ');
  return `${kept.replace(/[,;:]$/u, '')}.`;
}

export function answerFor(input: AnswerInput): string {
  const { model, prompt, skill } = input;
  const key = [model, normalizeText(prompt), String(input.choice)];
  if (stableUnit('degraded', ...key) < input.degradation || !skill) {
    return genericAnswer(model, prompt);
  }
  if (stableUnit('exact', ...key) < skill.exactRate) return skill.reference;
  return skill.miss === 'near'
    ? nearMiss(skill.reference, model, prompt)
    : genericAnswer(model, prompt);
}
