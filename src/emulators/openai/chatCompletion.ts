import { createHash } from 'node:crypto';
import { nowSeconds } from './clock.js';
import type { ChatMessage } from './chatRequest.js';
import { estimateTokens, truncateToTokens } from './chatTokens.js';
import { chatCompletionId } from './ids.js';

// Prompt tokens after OpenAI's cookbook: 3 per message plus its role and content, 3 to prime the
// reply.
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMER = 3;

type FinishReason = 'stop' | 'length';

interface Choice {
  index: number;
  message: { role: 'assistant'; content: string; refusal: null; annotations: never[] };
  logprobs: null;
  finish_reason: FinishReason;
}

export interface ChatCompletionBody {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Choice[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
    completion_tokens_details: {
      reasoning_tokens: number;
      audio_tokens: number;
      accepted_prediction_tokens: number;
      rejected_prediction_tokens: number;
    };
  };
  service_tier: 'default';
  system_fingerprint: string;
}

/** The reply up to the first stop sequence (which is not included), as the API cuts it. */
function cutAtStop(text: string, stop: readonly string[]): string {
  let end = text.length;
  for (const s of stop) {
    const at = text.indexOf(s);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

function finish(
  reply: string,
  stop: readonly string[],
  maxTokens: number | undefined,
): { content: string; reason: FinishReason } {
  const content = cutAtStop(reply, stop);
  if (maxTokens === undefined || estimateTokens(content) <= maxTokens) {
    return { content, reason: 'stop' };
  }
  return { content: truncateToTokens(content, maxTokens), reason: 'length' };
}

/** Stands in for the backend configuration: fixed per model. */
const fingerprint = (model: string): string =>
  `fp_${createHash('sha256').update(model).digest('hex').slice(0, 10)}`;

/** A `chat.completion` object with one choice per reply, usage counted over all of them. */
export function chatCompletionBody(args: {
  model: string;
  messages: readonly ChatMessage[];
  replies: readonly string[];
  maxTokens: number | undefined;
  stop: readonly string[];
}): ChatCompletionBody {
  const promptTokens = args.messages.reduce(
    (sum, m) => sum + TOKENS_PER_MESSAGE + estimateTokens(m.role) + estimateTokens(m.text),
    REPLY_PRIMER,
  );
  const choices = args.replies.map((reply, index): Choice => {
    const { content, reason } = finish(reply, args.stop, args.maxTokens);
    return {
      index,
      message: { role: 'assistant', content, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: reason,
    };
  });
  const completionTokens = choices.reduce((sum, c) => sum + estimateTokens(c.message.content), 0);
  return {
    id: chatCompletionId(),
    object: 'chat.completion',
    created: nowSeconds(),
    model: args.model,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: fingerprint(args.model),
  };
}
