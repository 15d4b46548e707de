import type { ChatAnswer, ChatFn } from '../types.js';
import type { TogetherClients } from './client.js';
import type { TogetherCalling } from './errors.js';

/**
 * One chat completion at temperature 0 through the official client (the eval gate, golden sets):
 * a dedicated endpoint or a serverless model by name. Together has no `developer` role: it is
 * sent as `system`.
 */
export function togetherChat(c: TogetherClients, calling: TogetherCalling): ChatFn {
  return (req) =>
    calling(`Asking ${req.model}`, async (): Promise<ChatAnswer> => {
      const local = new AbortController();
      const forward = () => local.abort(req.signal?.reason);
      req.signal?.addEventListener('abort', forward, { once: true });
      try {
        const res = await c.inference.chat.completions.create(
          {
            model: req.model,
            messages: req.messages.map((m) => ({
              role: m.role === 'developer' ? 'system' : m.role,
              content: m.content,
            })),
            temperature: 0,
            ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
          },
          { signal: local.signal },
        );
        const content = res.choices[0]?.message?.content;
        return {
          content: typeof content === 'string' ? content : '',
          promptTokens: res.usage?.prompt_tokens ?? 0,
          completionTokens: res.usage?.completion_tokens ?? 0,
        };
      } finally {
        req.signal?.removeEventListener('abort', forward);
      }
    });
}
