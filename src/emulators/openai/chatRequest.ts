import { contentText } from './chatText.js';
import { invalidRequest, missingParameter, type ApiError } from './errors.js';

export const CHAT_ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export interface ChatMessage {
  role: ChatRole;
  /** The content's text (text parts joined); images and audio are not read. */
  text: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  n: number;
  /** `max_completion_tokens`, or the older `max_tokens`. */
  maxTokens: number | undefined;
  stop: string[];
}

/** Every parameter of CreateChatCompletionRequest (openai-openapi f85dbe2); others are refused. */
const KNOWN_PARAMETERS = new Set(
  (
    'model messages audio frequency_penalty function_call functions logit_bias logprobs ' +
    'max_completion_tokens max_tokens metadata modalities moderation n parallel_tool_calls ' +
    'prediction presence_penalty prompt_cache_key prompt_cache_options prompt_cache_retention ' +
    'reasoning_effort response_format safety_identifier seed service_tier stop store stream ' +
    'stream_options temperature tool_choice tools top_logprobs top_p user verbosity ' +
    'web_search_options'
  ).split(' '),
);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** How the API names a JSON value's type in its messages. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

const invalidType = (param: string, expected: string, got: unknown): ApiError =>
  invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(got)} instead.`,
    param,
    'invalid_type',
  );

/** A number parameter within bounds, in the API's wording (`integer above maximum value`, …). */
function bounded(
  body: Record<string, unknown>,
  param: string,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  const v = body[param];
  if (v === undefined || v === null) return undefined;
  const kind = integer ? 'integer' : 'decimal';
  if (typeof v !== 'number' || (integer && !Number.isInteger(v))) {
    throw invalidType(param, integer ? 'an integer' : 'a number', v);
  }
  if (v < min || v > max) {
    const [side, limit, op] = v < min ? ['below_min', min, '>='] : ['above_max', max, '<='];
    throw invalidRequest(
      `Invalid '${param}': ${kind} ${v < min ? 'below minimum' : 'above maximum'} value. Expected a value ${op} ${limit}, but got ${v} instead.`,
      param,
      `${kind}_${side}_value`,
    );
  }
  return v;
}

function parseMessage(m: unknown, i: number): ChatMessage {
  const at = `messages[${i}]`;
  if (!isObject(m)) throw invalidType(at, 'an object', m);
  if (m.role === undefined) throw missingParameter(`${at}.role`);
  if (typeof m.role !== 'string' || !(CHAT_ROLES as readonly string[]).includes(m.role)) {
    throw invalidRequest(
      `Invalid value: '${typeof m.role === 'string' ? m.role : JSON.stringify(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      `${at}.role`,
      'invalid_value',
    );
  }
  const role = m.role as ChatRole;
  // An assistant turn that called a tool may have no content.
  const calls = role === 'assistant' && (m.tool_calls != null || m.function_call != null);
  if (m.content === undefined || m.content === null) {
    if (calls) return { role, text: '' };
    throw missingParameter(`${at}.content`);
  }
  if (typeof m.content !== 'string' && !Array.isArray(m.content)) {
    throw invalidType(`${at}.content`, 'one of a string or array of objects', m.content);
  }
  return { role, text: contentText(m.content) };
}

function parseMessages(v: unknown): ChatMessage[] {
  if (v === undefined) throw missingParameter('messages');
  if (!Array.isArray(v)) throw invalidType('messages', 'an array', v);
  if (v.length === 0) {
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  return v.map(parseMessage);
}

function parseStop(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw invalidType('stop', 'one of a string or array of strings', v);
  }
  if (v.length > 4) {
    throw invalidRequest(
      `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${v.length} instead.`,
      'stop',
      'array_above_max_length',
    );
  }
  return v.filter((s) => s !== '');
}

/**
 * The body of `POST /v1/chat/completions`, or the 400 the API gives. Parameters that only shape
 * sampling (temperature, seed, …) are checked where cheap and otherwise ignored: answers are
 * deterministic anyway.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw invalidRequest('The request body must be a JSON object.');
  const unknown = Object.keys(body).filter((k) => !KNOWN_PARAMETERS.has(k));
  if (unknown.length > 0) {
    throw invalidRequest(
      `Unrecognized request argument supplied: ${unknown.join(', ')}`,
      null,
      'unknown_parameter',
    );
  }
  // Observed: no param and no code for a missing model.
  if (body.model === undefined || body.model === '') {
    throw invalidRequest('you must provide a model parameter');
  }
  if (typeof body.model !== 'string') throw invalidType('model', 'a string', body.model);
  const messages = parseMessages(body.messages);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidType('stream', 'a boolean', body.stream);
  }
  if (body.stream === true) {
    throw invalidRequest(
      'Streaming is not emulated: the OpenAI emulator answers chat completions with stream: false only.',
      'stream',
      'unsupported_value',
    );
  }
  bounded(body, 'temperature', 0, 2, false);
  bounded(body, 'top_p', 0, 1, false);
  const n = bounded(body, 'n', 1, 128, true) ?? 1;
  const maxTokens =
    bounded(body, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER, true) ??
    bounded(body, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  return { model: body.model, messages, n, maxTokens, stop: parseStop(body.stop) };
}
