import { contentText, normalizeText } from './chatText.js';

/** What a training example teaches: the reply to give to a prompt (normalised). */
export interface Lesson {
  prompt: string;
  reply: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Message = { role: string; text: string };

function messagesOf(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((m) => ({
    role: typeof m.role === 'string' ? m.role : '',
    text: contentText(m.content),
  }));
}

/** The last user message before the final reply, taught that reply. */
function lastExchange(messages: Message[], reply: string | undefined): Lesson | undefined {
  const prompt = messages.findLast((m) => m.role === 'user')?.text;
  if (prompt === undefined || !reply) return undefined;
  const key = normalizeText(prompt);
  return key === '' ? undefined : { prompt: key, reply };
}

/**
 * The lesson of one parsed JSONL line: a chat example (`messages`, the last assistant message is
 * the reply), a DPO pair (the preferred output), or a prompt/completion pair. Undefined for
 * anything else (reinforcement lines have no reference reply).
 */
export function lessonOf(line: unknown): Lesson | undefined {
  if (!isObject(line)) return undefined;
  if (Array.isArray(line.messages)) {
    const messages = messagesOf(line.messages);
    const last = messages.findLastIndex((m) => m.role === 'assistant');
    if (last < 0) return undefined;
    return lastExchange(messages.slice(0, last), messages[last]!.text);
  }
  if (isObject(line.input) && Array.isArray(line.preferred_output)) {
    const preferred = messagesOf(line.preferred_output)[0]?.text;
    return lastExchange(messagesOf(line.input.messages), preferred);
  }
  if (typeof line.prompt === 'string' && typeof line.completion === 'string') {
    return lastExchange([{ role: 'user', text: line.prompt }], line.completion.trim());
  }
  return undefined;
}
