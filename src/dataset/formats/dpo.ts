import { describeType, isRecord, type LineFindings } from '../json.js';
import { checkMessages, type ChatMessage, type MessageRules } from '../messages.js';
import { checkToolDefinitions } from '../tools.js';
import { toolList, warnUnknownKeys, type ExampleChecker } from './example.js';

export const DPO_KEYS = ['input', 'preferred_output', 'non_preferred_output'] as const;

const INPUT_RULES: MessageRules = {
  roles: ['system', 'developer', 'user', 'assistant', 'tool'],
  allowImages: false,
  formatName: 'DPO',
  label: 'input message',
};

/** Preference pairs: `{input: {messages, tools?}, preferred_output: [msg], non_preferred_output: [msg]}`. */
export const checkDpoExample: ExampleChecker = (line, _lineNumber, _state, out) => {
  for (const [old, current] of [
    ['preferred_completion', 'preferred_output'],
    ['non_preferred_completion', 'non_preferred_output'],
  ] as const) {
    if (old in line && !(current in line))
      out.errors.push(`uses "${old}"; the service expects "${current}" — rename the key`);
  }
  warnUnknownKeys(
    line,
    [...DPO_KEYS, 'preferred_completion', 'non_preferred_completion'],
    'DPO',
    out,
  );
  const input = line.input;
  if (!isRecord(input)) {
    out.errors.push(
      `"input" is ${describeType(input)}; use {"messages": [{"role": "user", "content": "..."}]}`,
    );
    return undefined;
  }
  warnUnknownKeys(input, ['messages', 'tools', 'parallel_tool_calls'], 'DPO input', out);
  checkToolDefinitions(input, out);
  const checked = checkMessages(input.messages, 'input.messages', INPUT_RULES, out);
  const preferred = checkOutput(line.preferred_output, 'preferred_output', out);
  const rejected = checkOutput(line.non_preferred_output, 'non_preferred_output', out);
  if (!checked || !preferred || !rejected) return undefined;
  const last = checked.messages[checked.messages.length - 1];
  if (last && last.role !== 'user') {
    out.warnings.push(
      `input ends with a ${last.role} message; the outputs answer the input, so it usually ends with the user's turn`,
    );
  }
  if (JSON.stringify(preferred.content) === JSON.stringify(rejected.content)) {
    out.warnings.push(
      'preferred and non-preferred outputs are identical, so the pair teaches nothing',
    );
  }
  return {
    messages: [...checked.messages, preferred, rejected],
    trained: [preferred],
    tools: toolList(input),
    images: 0,
  };
};

function checkOutput(value: unknown, field: string, out: LineFindings): ChatMessage | undefined {
  const example = `[{"role": "assistant", "content": "..."}]`;
  if (!Array.isArray(value) || value.length !== 1) {
    const got = Array.isArray(value) ? `a list of ${value.length}` : describeType(value);
    out.errors.push(
      `"${field}" is ${got}; it must be a list holding one assistant message: ${example}`,
    );
    return undefined;
  }
  const message: unknown = value[0];
  if (!isRecord(message) || message.role !== 'assistant') {
    out.errors.push(`"${field}" must hold an assistant message: ${example}`);
    return undefined;
  }
  const content = message.content;
  if (typeof content !== 'string' && message.tool_calls === undefined) {
    out.errors.push(
      `"${field}" has content that is ${describeType(content)}; DPO outputs are text, give a string`,
    );
    return undefined;
  }
  return message as ChatMessage;
}
