import { JsonlLineReader } from '../../dataset/lineReader.js';

/** One eval example: the conversation up to the answer, and the answer the data expects. */
export interface EvalExample {
  line: number;
  messages: { role: 'system' | 'developer' | 'user' | 'assistant'; content: string }[];
  reference: string;
}

type Message = { role?: unknown; content?: unknown };

const text = (content: unknown): string | null => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content
      .map((p: { type?: unknown; text?: unknown }) =>
        p?.type === 'text' && typeof p.text === 'string' ? p.text : null,
      )
      .filter((p): p is string => p !== null);
    return parts.length ? parts.join('') : null;
  }
  return null;
};

function toMessages(list: Message[]): EvalExample['messages'] | null {
  const out: EvalExample['messages'] = [];
  for (const m of list) {
    const role = m.role;
    const content = text(m.content);
    if (content === null) return null; // tool calls, images: not evaluable as plain chat
    if (role !== 'system' && role !== 'developer' && role !== 'user' && role !== 'assistant')
      return null;
    out.push({ role, content });
  }
  return out;
}

/**
 * A chat line → prompt (every message before the last assistant reply) and reference (that
 * reply); a DPO line → its input and preferred output. Anything else is not evaluable (null).
 */
export function exampleFromLine(line: number, value: unknown): EvalExample | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as {
    messages?: unknown;
    input?: { messages?: unknown };
    preferred_output?: unknown;
  };
  if (Array.isArray(v.messages)) {
    const messages = toMessages(v.messages as Message[]);
    if (!messages) return null;
    const last = messages.findLastIndex((m) => m.role === 'assistant');
    if (last <= 0) return null;
    return { line, messages: messages.slice(0, last), reference: messages[last]!.content };
  }
  if (v.input && Array.isArray(v.input.messages) && Array.isArray(v.preferred_output)) {
    const messages = toMessages(v.input.messages as Message[]);
    const preferred = toMessages(v.preferred_output as Message[]);
    const reference = preferred?.findLast((m) => m.role === 'assistant')?.content;
    if (!messages || reference === undefined) return null;
    return { line, messages, reference };
  }
  return null;
}

/** The first `max` evaluable examples of a JSONL file, streamed (the file is never held whole). */
export async function readEvalExamples(
  path: string,
  max: number,
  signal?: AbortSignal,
): Promise<{ examples: EvalExample[]; skipped: number }> {
  const examples: EvalExample[] = [];
  let skipped = 0;
  const reader = new JsonlLineReader(path, { signal });
  for await (const line of reader.read()) {
    if (examples.length >= max) break;
    if (line.text === undefined || line.text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      skipped++;
      continue;
    }
    const example = exampleFromLine(line.number, value);
    if (example) examples.push(example);
    else skipped++;
  }
  return { examples, skipped };
}
