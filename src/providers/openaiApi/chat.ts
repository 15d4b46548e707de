import type OpenAI from 'openai';
import type { ChatAnswer, ChatFn, ChatRequest } from '../types.js';
import type { Calling } from './errors.js';

/** One chat completion at temperature 0 (evaluations should be repeatable), errors mapped. */
export function openAIChat(client: OpenAI, calling: Calling): ChatFn {
  return (req) =>
    calling(`Asking ${req.model}`, async () => {
      // The SDK keeps a listener on the signal it is given: hand it a per-call signal, linked to
      // the activity's, and unlink it afterwards, so hundreds of eval calls leak nothing.
      const local = new AbortController();
      const forward = () => local.abort(req.signal?.reason);
      req.signal?.addEventListener('abort', forward, { once: true });
      try {
        return await complete(client, req, local.signal);
      } finally {
        req.signal?.removeEventListener('abort', forward);
      }
    });
}

async function complete(
  client: OpenAI,
  req: ChatRequest,
  signal: AbortSignal,
): Promise<ChatAnswer> {
  const res = await client.chat.completions.create(
    {
      model: req.model,
      messages: req.messages,
      temperature: 0,
      ...(req.maxTokens ? { max_completion_tokens: req.maxTokens } : {}),
    },
    { signal },
  );
  return {
    content: res.choices[0]?.message.content ?? '',
    promptTokens: res.usage?.prompt_tokens ?? 0,
    completionTokens: res.usage?.completion_tokens ?? 0,
  };
}
