import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { MethodType } from './records.js';

export type DataCheck =
  { ok: true; examples: number; tokens: number } | { ok: false; examples: number; reason: string };

const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a list of chat messages is unusable, or undefined when it is fine. */
function messagesProblem(
  messages: unknown,
  key: string,
  needAssistant: boolean,
): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) {
    return `key "${key}": at least one message must be provided`;
  }
  for (const [i, m] of messages.entries()) {
    if (!isObject(m)) return `message ${i + 1}: not an object`;
    if (typeof m.role !== 'string' || !CHAT_ROLES.has(m.role)) {
      return `message ${i + 1}: unrecognized role ${JSON.stringify(m.role)}`;
    }
    const content = m.content;
    const hasCall = m.tool_calls !== undefined || m.function_call !== undefined;
    if (typeof content !== 'string' && !Array.isArray(content) && !(hasCall && content == null)) {
      return `message ${i + 1}: missing content`;
    }
  }
  if (needAssistant && !messages.some((m) => isObject(m) && m.role === 'assistant')) {
    return 'no assistant message';
  }
  return undefined;
}

/** The problem with one parsed line for the job's method, or undefined. */
export function exampleProblem(line: unknown, method: MethodType): string | undefined {
  if (!isObject(line)) return 'each line must be a JSON object';
  if (method === 'dpo') {
    const input = line.input;
    if (!isObject(input)) return 'key "input": missing or not an object';
    for (const key of ['preferred_output', 'non_preferred_output'] as const) {
      const out = line[key];
      if (!Array.isArray(out) || out.length !== 1)
        return `key "${key}": exactly one message required`;
    }
    return messagesProblem(input.messages, 'input.messages', false);
  }
  if (method === 'reinforcement') return messagesProblem(line.messages, 'messages', false);
  if (line.messages === undefined && typeof line.prompt === 'string') {
    return typeof line.completion === 'string' ? undefined : 'key "completion": missing';
  }
  return messagesProblem(line.messages, 'messages', true);
}

/**
 * Reads a training or validation file line by line (memory stays flat) the way the service
 * checks it while a job is `validating_files` (`byteOrderMark`: a leading BOM is allowed). Tokens are estimated at four characters each:
 * close enough for a plausible `trained_tokens`, with no tokenizer in the emulator.
 */
export async function checkTrainingData(
  source: Readable,
  method: MethodType,
  opts: { byteOrderMark?: boolean } = {},
): Promise<DataCheck> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  try {
    return await scan(lines, method, opts.byteOrderMark ?? false);
  } finally {
    lines.close();
    source.destroy();
  }
}

async function scan(
  lines: AsyncIterable<string>,
  method: MethodType,
  byteOrderMark: boolean,
): Promise<DataCheck> {
  let examples = 0;
  let characters = 0;
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    // Azure asks for UTF-8 with a byte-order mark; it precedes the first line only.
    const text = byteOrderMark && lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, examples, reason: `Line ${lineNumber}: not valid JSON` };
    }
    const problem = exampleProblem(parsed, method);
    if (problem) {
      return { ok: false, examples, reason: `Line ${lineNumber}, ${problem}` };
    }
    examples++;
    characters += text.length;
  }
  return { ok: true, examples, tokens: Math.ceil(characters / 4) };
}
