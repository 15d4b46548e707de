import { isRecord, type JsonObject } from '../json.js';
import type { FineTuneMethodType } from '../../shared/types.js';
import type { DatasetFormat } from '../types.js';
import { CHAT_KEYS } from './chat.js';
import { referenceKeys } from './reinforcement.js';

const DPO_MARKERS = [
  'input',
  'preferred_output',
  'non_preferred_output',
  'preferred_completion',
  'non_preferred_completion',
];

/**
 * Which format a line is written in. Chat and reinforcement lines both carry `messages`: a
 * conversation ending with the assistant's reply is chat; one ending with the prompt is
 * reinforcement when it has reference fields or the job is a reinforcement job.
 */
export function detectFormat(line: JsonObject, method: FineTuneMethodType): DatasetFormat {
  if (DPO_MARKERS.some((k) => k in line)) return 'dpo';
  if ('messages' in line) {
    const messages = line.messages;
    const last: unknown = Array.isArray(messages) ? messages[messages.length - 1] : undefined;
    if (isRecord(last) && last.role === 'assistant') return 'chat';
    const extraKeys = Object.keys(line).some((k) => !(CHAT_KEYS as readonly string[]).includes(k));
    return extraKeys || method === 'reinforcement' ? 'reinforcement' : 'chat';
  }
  if ('prompt' in line && 'completion' in line) return 'completion';
  return 'unknown';
}

/** Formats sharing `messages` are told apart per file, not per line. */
export function sameFamily(a: DatasetFormat, b: DatasetFormat): boolean {
  const family = (f: DatasetFormat) => (f === 'reinforcement' ? 'chat' : f);
  return family(a) === family(b);
}

export function expectedFormats(method: FineTuneMethodType, model: string): DatasetFormat[] {
  if (method === 'dpo') return ['dpo'];
  if (method === 'reinforcement') return ['reinforcement'];
  return isLegacyCompletionModel(model) ? ['completion', 'chat'] : ['chat'];
}

export function isLegacyCompletionModel(model: string): boolean {
  return /^(ft:)?(babbage|davinci)-002/.test(model);
}

export const FORMAT_NAMES: Record<DatasetFormat, string> = {
  chat: 'supervised chat',
  completion: 'legacy prompt/completion',
  dpo: 'DPO (preference)',
  reinforcement: 'reinforcement',
  unknown: 'unrecognised',
};

const SHAPES: Record<DatasetFormat, string> = {
  chat: '{"messages": [..., {"role": "assistant", "content": "..."}]}',
  completion: '{"prompt": "...", "completion": "..."}',
  dpo: '{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}',
  reinforcement: '{"messages": [... ending with the user prompt], "<reference field>": ...}',
  unknown: '',
};

/** One example of each format, named by the keys that give it away. */
const EXAMPLE_NAMES: Record<DatasetFormat, string> = {
  chat: 'supervised chat example (messages ending with the assistant reply)',
  completion: 'legacy prompt/completion example',
  dpo: 'DPO example (input/preferred_output/non_preferred_output)',
  reinforcement: 'reinforcement example (messages ending with the prompt)',
  unknown: 'unrecognised example',
};

const METHOD_FOR: Partial<Record<DatasetFormat, FineTuneMethodType>> = {
  chat: 'supervised',
  dpo: 'dpo',
  reinforcement: 'reinforcement',
};

/**
 * Why the file's format does not fit the job's method, and what to do about it; reported at the
 * line the format was detected from, so it reads "line 1 is a DPO example … but --method is …".
 */
export function methodMismatchMessage(
  format: DatasetFormat,
  line: JsonObject,
  method: FineTuneMethodType,
  model: string,
): string {
  const wanted = expectedFormats(method, model)[0] ?? 'chat';
  const instead = `a ${FORMAT_NAMES[wanted]} file with lines like ${SHAPES[wanted]}`;
  if (format === 'completion')
    return `is a ${EXAMPLE_NAMES.completion}, a format only babbage-002 and davinci-002 accept; ${model} needs ${instead}`;
  let name = EXAMPLE_NAMES[format];
  let why = '';
  if (format === 'chat' && method === 'reinforcement')
    why =
      ' (reinforcement examples end with the prompt and keep the reference answer in extra fields for the grader)';
  if (format === 'reinforcement') {
    const keys = referenceKeys(line);
    if (keys.length > 0)
      name = `reinforcement example (messages ending with the prompt, reference fields ${keys.join(', ')})`;
    if (method === 'supervised') why = ' (supervised examples end with the assistant reply)';
  }
  const fix = METHOD_FOR[format];
  return (
    `is a ${name} but --method is ${method}${why}; ` +
    (fix ? `use --method ${fix}, or give ${instead}` : `give ${instead}`)
  );
}

/** For a line whose format differs from the rest of the file. */
export function lineMismatchMessage(
  lineFormat: DatasetFormat,
  fileFormat: DatasetFormat,
  firstLine: number,
): string {
  if (lineFormat === 'unknown')
    return `is not a ${FORMAT_NAMES[fileFormat]} example; write it like ${SHAPES[fileFormat]}`;
  return `is a ${FORMAT_NAMES[lineFormat]} example, but this file is ${FORMAT_NAMES[fileFormat]} (from line ${firstLine}); one file holds one format`;
}

export function unknownShapeMessage(method: FineTuneMethodType, model: string): string {
  const wanted = expectedFormats(method, model)[0] ?? 'chat';
  return `is not a recognised example (no "messages", "input"/"preferred_output" or "prompt"/"completion"); for a ${method} job write it like ${SHAPES[wanted]}`;
}
