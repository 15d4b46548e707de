// Per-model facts for token counting and cost. Sources: OpenAI's 2024 fine-tuning guide for the
// context lengths of gpt-4o / gpt-3.5 snapshots; Azure docs for gpt-4.1 / o4-mini (unconfirmed for
// OpenAI); a 2026 pricing mirror for the two prices (unconfirmed). Where no source gives a value,
// it is left out rather than guessed.

export type EncodingName = 'o200k_base' | 'cl100k_base';

interface ModelEntry {
  /** Matches the base model name (without an `ft:` wrapper). */
  pattern: RegExp;
  encoding: EncodingName;
  contextLimit?: number;
  /** USD per 1M supervised training tokens. */
  supervisedPricePerMillion?: number;
}

// Most specific first: gpt-4.1-mini must match before gpt-4.1.
const MODELS: readonly ModelEntry[] = [
  { pattern: /^gpt-4\.1-nano/, encoding: 'o200k_base', contextLimit: 32_768 },
  {
    pattern: /^gpt-4\.1-mini/,
    encoding: 'o200k_base',
    contextLimit: 65_536,
    supervisedPricePerMillion: 5,
  },
  {
    pattern: /^gpt-4\.1/,
    encoding: 'o200k_base',
    contextLimit: 65_536,
    supervisedPricePerMillion: 25,
  },
  { pattern: /^gpt-4o-mini-2024-07-18/, encoding: 'o200k_base', contextLimit: 65_536 },
  { pattern: /^gpt-4o-2024-08-06/, encoding: 'o200k_base', contextLimit: 65_536 },
  { pattern: /^o4-mini/, encoding: 'o200k_base', contextLimit: 65_536 },
  { pattern: /^gpt-3\.5-turbo-0613/, encoding: 'cl100k_base', contextLimit: 4_096 },
  { pattern: /^gpt-3\.5-turbo(-0125|-1106)?$/, encoding: 'cl100k_base', contextLimit: 16_385 },
  { pattern: /^gpt-3\.5/, encoding: 'cl100k_base' },
  { pattern: /^gpt-4(-|$)/, encoding: 'cl100k_base' },
  { pattern: /^(babbage|davinci)-002/, encoding: 'cl100k_base' },
];

/** The cookbook's limit, assumed for models our table does not know. */
export const DEFAULT_CONTEXT_LIMIT = 16_385;

export interface ModelFacts {
  baseModel: string;
  encoding: EncodingName;
  contextLimit: number;
  contextLimitKnown: boolean;
  supervisedPricePerMillion?: number;
}

/** `ft:gpt-4o-mini-2024-07-18:org:suffix:id` → `gpt-4o-mini-2024-07-18`. */
export function baseModelOf(model: string): string {
  const name = model.trim().toLowerCase();
  return name.startsWith('ft:') ? (name.split(':')[1] ?? '') : name;
}

export function modelFacts(model: string): ModelFacts {
  const baseModel = baseModelOf(model);
  const entry = MODELS.find((m) => m.pattern.test(baseModel));
  // Newer families (gpt-4o, gpt-4.1, o-series and later) use o200k_base.
  const facts: ModelFacts = {
    baseModel,
    encoding: entry?.encoding ?? 'o200k_base',
    contextLimit: entry?.contextLimit ?? DEFAULT_CONTEXT_LIMIT,
    contextLimitKnown: entry?.contextLimit !== undefined,
  };
  if (entry?.supervisedPricePerMillion !== undefined)
    facts.supervisedPricePerMillion = entry.supervisedPricePerMillion;
  return facts;
}
