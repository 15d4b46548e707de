import type { FastifyInstance } from 'fastify';
import { chatReplies } from '../../openai/chatReplies.js';
import { normalizeText, stableUnit } from '../../openai/chatText.js';
import { parseTogetherChat, resolveTogetherChatModel, togetherChatBody } from '../chat.js';
import type { TogetherContext } from '../context.js';
import { spendingLimitReached } from '../errors.js';

/**
 * `POST /v1/chat/completions`, non-streaming, answered deterministically by the OpenAI
 * emulator's chat models (a fine-tune knows its training data; a base model mostly does not).
 * Dedicated inference lives on another host at Together; here it shares this one.
 */
export function registerChatRoutes(app: FastifyInstance, ctx: TogetherContext): void {
  app.post('/v1/chat/completions', async (req) => {
    if (ctx.settings.spendingLimitReached) throw spendingLimitReached();
    const request = parseTogetherChat(req.body);
    const prompt = request.messages.findLast((m) => m.role === 'user')?.text ?? '';
    const model = resolveTogetherChatModel(
      ctx,
      request.model,
      stableUnit('route', normalizeText(prompt)),
    );
    const replies = await chatReplies(ctx, model, request);
    ctx.stats.chatCompletions[request.model] = (ctx.stats.chatCompletions[request.model] ?? 0) + 1;
    return togetherChatBody(request, replies);
  });
}
