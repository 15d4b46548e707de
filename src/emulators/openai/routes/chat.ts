import type { FastifyInstance } from 'fastify';
import { chatCompletionBody } from '../chatCompletion.js';
import { chatReplies } from '../chatReplies.js';
import { parseChatRequest } from '../chatRequest.js';
import type { EmulatorContext } from '../context.js';

/**
 * `POST …/chat/completions`, non-streaming, with deterministic answers (chatAnswers.ts). The
 * flavour reads `model`: a model id (OpenAI) or a deployment name (Azure).
 */
export function registerChatRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(`${ctx.flavor.prefix}/chat/completions`, async (req) => {
    const request = parseChatRequest(req.body);
    const model = ctx.flavor.chatModel(ctx, request.model);
    const replies = await chatReplies(ctx, model, request);
    ctx.stats.countChatCompletion(request.model);
    return chatCompletionBody({
      model: model.name,
      messages: request.messages,
      replies,
      maxTokens: request.maxTokens,
      stop: request.stop,
    });
  });
}
