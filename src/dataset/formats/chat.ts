import type { LineFindings } from '../json.js';
import { checkMessages, type MessageRules } from '../messages.js';
import { calledFunctionNames, checkToolDefinitions } from '../tools.js';
import { toolList, warnUnknownKeys, type ExampleChecker } from './example.js';

export const CHAT_KEYS = ['messages', 'tools', 'parallel_tool_calls', 'functions'] as const;
export const MAX_IMAGES_PER_EXAMPLE = 10;

const RULES: MessageRules = {
  roles: ['system', 'developer', 'user', 'assistant', 'tool', 'function'],
  allowImages: true,
  formatName: 'supervised fine-tuning',
  label: 'message',
};

/** Supervised chat: `{messages, tools?, parallel_tool_calls?, functions?}`. */
export const checkChatExample: ExampleChecker = (line, _lineNumber, _state, out) => {
  warnUnknownKeys(line, CHAT_KEYS, 'chat', out);
  const toolNames = checkToolDefinitions(line, out);
  const checked = checkMessages(line.messages, 'messages', RULES, out);
  if (!checked) return undefined;
  const { messages, images } = checked;
  const assistants = messages.filter((m) => m.role === 'assistant');
  const trained = assistants.filter((m) => m.weight !== 0);
  // After a rejected message (say, a misspelt role) these checks would only mislead.
  if (checked.complete) checkSomethingIsTrained(assistants.length, trained.length, out);
  const last = messages[messages.length - 1];
  if (last && last.role !== 'assistant' && assistants.length > 0) {
    out.warnings.push(
      `ends with a ${last.role} message; turns after the last assistant reply are not trained on`,
    );
  }
  if (images > MAX_IMAGES_PER_EXAMPLE) {
    out.errors.push(`has ${images} images; an example may hold at most ${MAX_IMAGES_PER_EXAMPLE}`);
  }
  if (toolNames.size > 0) {
    for (const name of new Set(calledFunctionNames(messages))) {
      if (!toolNames.has(name))
        out.warnings.push(`calls function ${JSON.stringify(name)}, which "tools" does not define`);
    }
  }
  return { messages, trained, tools: toolList(line), images };
};

function checkSomethingIsTrained(assistants: number, trained: number, out: LineFindings): void {
  if (assistants === 0) {
    out.errors.push(
      'has no assistant message, so there is nothing to learn; end the conversation with the assistant reply',
    );
  } else if (trained === 0) {
    out.errors.push(
      'marks every assistant message weight 0, so nothing is trained; set weight 1 on at least one',
    );
  }
}
