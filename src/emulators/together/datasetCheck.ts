import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { DatasetFormat, ValidationReport } from './records.js';

/**
 * Together's server-side check of a `fine-tune` JSONL file (facts sheet §2.2–2.3): one JSON
 * object a line, one format a file (conversational `messages`, instruction `prompt`/
 * `completion`, generic `text`, preference `input`/`preferred_output`/`non_preferred_output`),
 * a line matching two formats refused, conversations starting with `system` or `user` and
 * holding an assistant turn, message weights 0 or 1, sample weights ≥ 0. Unlike the SDK's local
 * check it allows `tools` and role `tool` (the Python SDK does). Wording is the emulator's.
 */

type Flags = Omit<ValidationReport, 'valid' | 'datasetFormat' | 'nlines' | 'error' | 'tokens'>;

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function formatsOf(line: Record<string, unknown>): DatasetFormat[] {
  const out: DatasetFormat[] = [];
  if ('messages' in line) out.push('CONVERSATION');
  if ('prompt' in line || 'completion' in line) out.push('INSTRUCTION');
  if ('text' in line) out.push('GENERAL');
  if ('input' in line || 'preferred_output' in line || 'non_preferred_output' in line) {
    out.push('PREFERENCE_OPENAI');
  }
  return out;
}

function contentProblem(content: unknown, flags: Flags): string | undefined {
  if (typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return 'content must be a string or a list of parts';
  for (const part of content) {
    if (!isObject(part)) return 'each content part must be an object';
    if (part.type === 'image_url') flags.isMultimodal = true;
  }
  return undefined;
}

function messagesProblem(
  messages: unknown,
  flags: Flags,
  opts: { needAssistant: boolean },
): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0)
    return '"messages" must be a non-empty list';
  for (const [i, m] of messages.entries()) {
    if (!isObject(m)) return `message ${i + 1} is not an object`;
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
      return `message ${i + 1} has role ${JSON.stringify(m.role)}; expected one of system, user, assistant, tool`;
    }
    const calls = Array.isArray(m.tool_calls) ? m.tool_calls.length : 0;
    if (calls > 0) flags.hasTools = true;
    if (calls > 1) flags.hasParallelToolCalls = true;
    if (m.role === 'tool') flags.hasTools = true;
    if (m.reasoning !== undefined || m.reasoning_content !== undefined) flags.hasReasoning = true;
    if (!(calls > 0 && m.content == null)) {
      const problem = contentProblem(m.content, flags);
      if (problem) return `message ${i + 1}: ${problem}`;
    }
    if (m.weight !== undefined) {
      if (m.weight !== 0 && m.weight !== 1)
        return `message ${i + 1} has weight ${JSON.stringify(m.weight)}; weights must be 0 or 1`;
      flags.hasMessageWeights = true;
    }
  }
  const first = (messages[0] as Record<string, unknown>).role;
  if (opts.needAssistant && first !== 'system' && first !== 'user') {
    return 'a conversation must start with a system or user message';
  }
  if (opts.needAssistant && !messages.some((m) => isObject(m) && m.role === 'assistant')) {
    return 'a conversation needs at least one assistant message';
  }
  return undefined;
}

function preferenceProblem(line: Record<string, unknown>, flags: Flags): string | undefined {
  const input = line.input;
  if (!isObject(input)) return '"input" must be an object with "messages"';
  const problem = messagesProblem(input.messages, flags, { needAssistant: false });
  if (problem) return `input: ${problem}`;
  const messages = input.messages as Record<string, unknown>[];
  if (messages.at(-1)?.role === 'assistant')
    return 'the last input message must not be an assistant message';
  for (const key of ['preferred_output', 'non_preferred_output'] as const) {
    const out = line[key];
    if (
      !Array.isArray(out) ||
      out.length !== 1 ||
      !isObject(out[0]) ||
      out[0].role !== 'assistant'
    ) {
      return `"${key}" must hold exactly one assistant message`;
    }
  }
  return undefined;
}

function lineProblem(
  line: Record<string, unknown>,
  format: DatasetFormat,
  flags: Flags,
): string | undefined {
  if (line.weight !== undefined) {
    if (typeof line.weight !== 'number' || !(line.weight >= 0))
      return '"weight" must be a number ≥ 0';
    flags.hasSampleWeights = true;
  }
  if (isObject(line) && line.tools !== undefined) flags.hasTools = true;
  switch (format) {
    case 'CONVERSATION':
      return messagesProblem(line.messages, flags, { needAssistant: true });
    case 'INSTRUCTION':
      return typeof line.prompt === 'string' && typeof line.completion === 'string'
        ? undefined
        : '"prompt" and "completion" must both be strings';
    case 'GENERAL':
      return typeof line.text === 'string' ? undefined : '"text" must be a string';
    case 'PREFERENCE_OPENAI':
      return preferenceProblem(line, flags);
  }
}

/** Reads a JSONL file line by line (memory stays flat) and reports as Together's validation does. */
export async function checkDataset(source: Readable): Promise<ValidationReport> {
  const flags: Flags = {
    hasTools: false,
    hasReasoning: false,
    hasMessageWeights: false,
    hasSampleWeights: false,
    hasParallelToolCalls: false,
    isMultimodal: false,
  };
  let format: DatasetFormat | null = null;
  let nlines = 0;
  let characters = 0;
  const fail = (error: string): ValidationReport => ({
    valid: false,
    datasetFormat: format,
    nlines,
    error,
    tokens: 0,
    ...flags,
  });
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  try {
    let lineNumber = 0;
    for await (const text of lines) {
      lineNumber++;
      if (text.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return fail(`Line ${lineNumber}: not valid JSON.`);
      }
      if (!isObject(parsed)) return fail(`Line ${lineNumber}: each line must be a JSON object.`);
      const formats = formatsOf(parsed);
      if (formats.length === 0) {
        return fail(
          `Line ${lineNumber}: no known dataset format (messages, prompt/completion, text, or a preference pair).`,
        );
      }
      if (formats.length > 1)
        return fail(`Line ${lineNumber}: matches more than one format (${formats.join(', ')}).`);
      if (format !== null && formats[0] !== format) {
        return fail(
          `Line ${lineNumber}: format ${formats[0]} differs from the file's format ${format}; use one format per file.`,
        );
      }
      format = formats[0]!;
      const problem = lineProblem(parsed, format, flags);
      if (problem) return fail(`Line ${lineNumber}: ${problem}.`);
      nlines++;
      characters += text.length;
    }
  } finally {
    lines.close();
    source.destroy();
  }
  if (nlines === 0) return fail('The file has no samples: at least one is required.');
  return {
    valid: true,
    datasetFormat: format,
    nlines,
    error: null,
    tokens: Math.ceil(characters / 4),
    ...flags,
  };
}
