import { checkMessages, type MessageRules } from '../messages.js';
import { checkToolDefinitions } from '../tools.js';
import { toolList, type ExampleChecker } from './example.js';

/** Only these keys are reserved; every other key is a reference field graders see as {{item.key}}. */
export const RFT_RESERVED_KEYS = ['messages', 'tools'] as const;

const RULES: MessageRules = {
  roles: ['developer', 'user', 'assistant', 'tool'],
  replacements: { system: 'developer' },
  allowImages: true,
  formatName: 'reinforcement fine-tuning',
  label: 'message',
};

export function referenceKeys(line: Record<string, unknown>): string[] {
  return Object.keys(line).filter((k) => !(RFT_RESERVED_KEYS as readonly string[]).includes(k));
}

/** Reinforcement: `{messages, tools?, ...reference fields}`; the model writes the final answer. */
export const checkReinforcementExample: ExampleChecker = (line, lineNumber, state, out) => {
  checkToolDefinitions(line, out);
  const checked = checkMessages(line.messages, 'messages', RULES, out);
  if (!checked) return undefined;
  const last = checked.messages[checked.messages.length - 1];
  if (last?.role === 'assistant') {
    out.errors.push(
      'ends with an assistant message; reinforcement examples end with the prompt and the model writes the answer — ' +
        'move the reference answer into a field such as "reference_answer" for the grader',
    );
  } else if (last && last.role !== 'user') {
    out.warnings.push(
      `ends with a ${last.role} message; the prompt usually ends with a user message`,
    );
  }
  checkReferenceKeys(referenceKeys(line), lineNumber, state, out);
  return { messages: checked.messages, trained: [], tools: toolList(line), images: checked.images };
};

function checkReferenceKeys(
  keys: string[],
  lineNumber: number,
  state: Parameters<typeof checkReinforcementExample>[2],
  out: { warnings: string[] },
): void {
  if (keys.length === 0) {
    out.warnings.push(
      'has no reference fields besides "messages"; graders can only compare against fields such as {{item.reference_answer}}',
    );
    return;
  }
  if (!state.firstReference) {
    state.firstReference = { line: lineNumber, keys };
    return;
  }
  const missing = state.firstReference.keys.filter((k) => !keys.includes(k));
  if (missing.length > 0) {
    out.warnings.push(
      `lacks reference field(s) ${missing.map((k) => JSON.stringify(k)).join(', ')} that line ${state.firstReference.line} has; ` +
        'a grader that reads them will fail on this example',
    );
  }
}
