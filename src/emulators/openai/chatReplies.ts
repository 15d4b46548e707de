import { readGraderRequest } from '../../shared/graderPrompt.js';
import { answerFor, skillFor } from './chatAnswers.js';
import { gradeReply } from './chatGrading.js';
import type { ChatModel } from './chatModels.js';
import type { ChatRequest } from './chatRequest.js';
import { normalizeText } from './chatText.js';
import type { EmulatorContext } from './context.js';

/** 0…1 from the chatDegradation option; anything unusable counts as 0. */
/** What replies need of an emulator: its models' knowledge and the degradation knob. */
export type ReplyContext = Pick<EmulatorContext, 'knowledge' | 'chatDegradation'>;

function degradationOf(ctx: ReplyContext, requested: string): number {
  const d = ctx.chatDegradation?.(requested) ?? 0;
  return Number.isFinite(d) ? Math.min(1, Math.max(0, d)) : 0;
}

/**
 * The reply text of each requested choice: a judge's score for a grading request (see
 * src/shared/graderPrompt.ts), otherwise what the model "knows" about the last user message.
 */
export async function chatReplies(
  ctx: ReplyContext,
  model: ChatModel,
  request: ChatRequest,
): Promise<string[]> {
  const choices = Array.from({ length: request.n }, (_, i) => i);
  const grading = readGraderRequest(request.messages.map((m) => ({ ...m, content: m.text })));
  if (grading) return choices.map(() => gradeReply(grading));

  const messages = request.messages;
  const prompt = (messages.findLast((m) => m.role === 'user') ?? messages.at(-1)!).text;
  const key = normalizeText(prompt);
  const own =
    model.kind === 'fine-tuned' ? (await ctx.knowledge.lessonsOf(model.job)).get(key) : undefined;
  const skill = skillFor(model, own, await ctx.knowledge.recall(key));
  const degradation = degradationOf(ctx, request.model);
  return choices.map((choice) =>
    answerFor({ model: model.name, prompt, skill, degradation, choice }),
  );
}
