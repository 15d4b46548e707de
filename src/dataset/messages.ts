import { checkContentParts } from './contentParts.js';
import { describeType, isRecord, quote, type JsonObject, type LineFindings } from './json.js';
import { checkToolCalls } from './tools.js';

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
/** A message that passed the checks well enough to be counted. */
export interface ChatMessage extends JsonObject {
  role: Role;
}

export interface MessageRules {
  roles: readonly Role[];
  /** Suggested instead of a known but disallowed role (RFT: system → developer). */
  replacements?: Partial<Record<Role, Role>>;
  /** Whether user messages may hold image parts. */
  allowImages: boolean;
  /** Who rejects a disallowed role, e.g. "reinforcement fine-tuning". */
  formatName: string;
  /** Prefix for message labels: "message" or "input message". */
  label: string;
}

// Keys the chat schema allows per role (the fine-tuning assistant message adds `weight`).
const KEYS: Record<Role, readonly string[]> = {
  system: ['role', 'content', 'name'],
  developer: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'weight', 'tool_calls', 'function_call', 'refusal'],
  tool: ['role', 'content', 'tool_call_id'],
  function: ['role', 'content', 'name'],
};

export interface CheckedMessages {
  messages: ChatMessage[];
  images: number;
  /** False when some message was unusable (and left out of `messages`). */
  complete: boolean;
}

/** Checks `value` as a list of chat messages; returns what can be counted, even if flawed. */
export function checkMessages(
  value: unknown,
  field: string,
  rules: MessageRules,
  out: LineFindings,
): CheckedMessages | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    const got = Array.isArray(value) ? 'an empty list' : describeType(value);
    out.errors.push(
      `"${field}" is ${got}; it must be a list of messages like [{"role": "user", "content": "..."}, …]`,
    );
    return undefined;
  }
  const messages: ChatMessage[] = [];
  const toolCallIds = new Set<string>();
  let images = 0;
  value.forEach((raw, i) => {
    const message = checkMessage(raw, `${rules.label} ${i + 1}`, rules, toolCallIds, out);
    if (!message) return;
    images += message.images;
    messages.push(message.message);
  });
  return { messages, images, complete: messages.length === value.length };
}

function checkMessage(
  raw: unknown,
  label: string,
  rules: MessageRules,
  toolCallIds: Set<string>,
  out: LineFindings,
): { message: ChatMessage; images: number } | undefined {
  if (!isRecord(raw)) {
    out.errors.push(
      `${label} is ${describeType(raw)}; each message must be an object like {"role": "user", "content": "..."}`,
    );
    return undefined;
  }
  const role = checkRole(raw.role, label, rules, out);
  if (!role) return undefined;
  const named = `${label} (${role})`;
  for (const key of Object.keys(raw)) {
    if (!KEYS[role].includes(key)) {
      out.errors.push(
        `${named} has unknown key ${quote(key)}; ${role} messages allow ${KEYS[role].join(', ')} — remove it`,
      );
    }
  }
  if (raw.name !== undefined && typeof raw.name !== 'string')
    out.errors.push(`${named} has a "name" that is ${describeType(raw.name)}; use a string`);
  if (role === 'assistant') checkAssistantExtras(raw, named, toolCallIds, out);
  if (role === 'tool') checkToolReply(raw, named, toolCallIds, out);
  const images = checkContent(raw, role, named, rules, out);
  return { message: raw as ChatMessage, images };
}

function checkRole(
  role: unknown,
  label: string,
  rules: MessageRules,
  out: LineFindings,
): Role | undefined {
  const allowed = rules.roles.join(', ');
  if (role === undefined) {
    out.errors.push(`${label} has no "role"; add one of ${allowed}`);
    return undefined;
  }
  if (typeof role === 'string' && (rules.roles as readonly string[]).includes(role))
    return role as Role;
  const replacement = rules.replacements?.[role as Role];
  out.errors.push(
    replacement
      ? `${label} has role ${quote(role)}, which ${rules.formatName} does not accept; use ${quote(replacement)} instead`
      : `${label} has role ${quote(role)}; use one of ${allowed}`,
  );
  return undefined;
}

function checkAssistantExtras(
  raw: JsonObject,
  named: string,
  toolCallIds: Set<string>,
  out: LineFindings,
): void {
  if (raw.weight !== undefined && raw.weight !== 0 && raw.weight !== 1) {
    out.errors.push(
      `${named} has weight ${quote(raw.weight)}; use 0 (do not train on this turn) or 1 (train on it)`,
    );
  }
  if (raw.tool_calls !== undefined) checkToolCalls(raw.tool_calls, named, toolCallIds, out);
  if (raw.function_call !== undefined && raw.function_call !== null) {
    const call = raw.function_call;
    if (!isRecord(call) || typeof call.name !== 'string' || typeof call.arguments !== 'string')
      out.errors.push(
        `${named} has a "function_call" without string "name" and "arguments"; use {"name": "...", "arguments": "{...}"}`,
      );
  }
}

function checkToolReply(
  raw: JsonObject,
  named: string,
  toolCallIds: Set<string>,
  out: LineFindings,
): void {
  const id = raw.tool_call_id;
  if (typeof id !== 'string') {
    out.errors.push(
      `${named} has no string "tool_call_id"; set it to the id of the tool call it answers`,
    );
  } else if (!toolCallIds.has(id)) {
    out.errors.push(
      `${named} answers tool_call_id ${quote(id)}, but no earlier assistant message made a tool call with that id`,
    );
  }
}

function checkContent(
  raw: JsonObject,
  role: Role,
  named: string,
  rules: MessageRules,
  out: LineFindings,
): number {
  const content = raw.content;
  if (content === undefined || content === null) {
    const callsTool = raw.tool_calls !== undefined || isRecord(raw.function_call);
    if (role !== 'assistant' || !callsTool) {
      out.errors.push(
        role === 'assistant'
          ? `${named} has no "content" and no "tool_calls"; give the reply text as "content"`
          : `${named} has no "content"; give the text as a string`,
      );
    }
    return 0;
  }
  if (typeof content === 'string') return 0;
  if (Array.isArray(content)) {
    return checkContentParts(
      content,
      named,
      { allowImages: rules.allowImages && role === 'user', allowRefusal: role === 'assistant' },
      out,
    );
  }
  out.errors.push(
    `${named} has content that is ${describeType(content)}; use a string or a list of content parts`,
  );
  return 0;
}
