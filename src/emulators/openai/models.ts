import { invalidRequest } from './errors.js';

/**
 * Fine-tunable base models, alias → dated snapshot. A job's `model` is the resolved snapshot
 * (asking for `gpt-3.5-turbo` was observed to give `gpt-3.5-turbo-0613`).
 */
const SNAPSHOTS: Record<string, string> = {
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  'o4-mini': 'o4-mini-2025-04-16',
  'gpt-4': 'gpt-4-0613',
  'babbage-002': 'babbage-002',
  'davinci-002': 'davinci-002',
};
const DATED = new Set([...Object.values(SNAPSHOTS), 'gpt-3.5-turbo-1106', 'gpt-3.5-turbo-0613']);
/** Base models served only by the legacy completions endpoint, not by chat completions. */
const COMPLETION_ONLY = new Set(['babbage-002', 'davinci-002']);

/** The dated snapshot of a known base model name or alias; undefined for anything else. */
export function baseModelSnapshot(name: string): string | undefined {
  if (DATED.has(name)) return name;
  // Own keys only: `constructor` is no model.
  return Object.hasOwn(SNAPSHOTS, name) ? SNAPSHOTS[name] : undefined;
}

/** Every base model name the emulator knows: aliases, then dated snapshots. */
export function knownBaseModels(): string[] {
  return [...new Set([...Object.keys(SNAPSHOTS), ...DATED])];
}

export const isCompletionOnly = (snapshot: string): boolean => COMPLETION_ONLY.has(snapshot);

/** Resolves the requested model; unknown names get the API's 400 `model_not_available`. */
export function resolveModel(requested: string): string {
  if (requested.startsWith('ft:')) {
    // A previous fine-tune: `ft:{base}:{org}:{suffix}:{id}` — train on top of it as given.
    if (requested.split(':').length >= 5) return requested;
  } else {
    const snapshot = baseModelSnapshot(requested);
    if (snapshot) return snapshot;
  }
  throw invalidRequest(
    `Model ${requested} is not available for fine-tuning or does not exist.`,
    'model',
    'model_not_available',
  );
}

/** `ft:{base}:{org}:{suffix}:{tag}`; a fine-tune of a fine-tune names the original base. */
export function fineTunedModelName(
  model: string,
  org: string,
  suffix: string | null,
  tag: string,
): string {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? model) : model;
  return `ft:${base}:${org}:${suffix ?? ''}:${tag}`;
}
