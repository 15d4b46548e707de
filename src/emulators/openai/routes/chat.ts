import type { FastifyInstance } from 'fastify';
import { chatCompletionBody } from '../chatCompletion.js';
import { resolveChatModel } from '../chatModels.js';
import { chatReplies } from '../chatReplies.js';
import { parseChatRequest } from '../chatRequest.js';
import type { EmulatorContext } from '../context.js';

/** `POST /v1/chat/completions`, non-streaming, with deterministic answers (chatAnswers.ts). */
export function registerChatRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/v1/chat/completions', async (req) => {
    const request = parseChatRequest(req.body);
    const model = resolveChatModel(ctx, request.model);
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
