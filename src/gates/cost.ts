// Inference prices of the models the eval gate calls, and what a chat completion cost. Pure.
//
// Source: unverified, 2025 price list (OpenAI's public pricing page as of 2025, standard tier,
// USD per 1M tokens; the base-model numbers agree with several third-party copies, the
// fine-tuned ones are from memory of the same page). Fine-tuned models are priced apart from
// their base (roughly 1.5–2× it). A model not listed has no price: no number is guessed. Azure
// fine-tuned deployments are priced as OpenAI's fine-tuned model of the same base; Azure's
// hourly hosting fee is not included.

export const INFERENCE_PRICE_SOURCE = 'unverified, 2025 price list';

export interface InferencePrice {
  /** USD per 1M prompt (input) tokens. */
  inputPerMillion: number;
  /** USD per 1M completion (output) tokens. */
  outputPerMillion: number;
  source: string;
}

interface PriceEntry {
  /** Matches the base model id: the alias or a dated snapshot, nothing else (no -audio, -search…). */
  pattern: RegExp;
  base?: [input: number, output: number];
  /** Price of a fine-tuned model of this base, when it can be fine-tuned and the price is known. */
  fineTuned?: [input: number, output: number];
}

const DATE = String.raw`(-\d{4}-\d{2}-\d{2})?$`;

// Most specific first: gpt-4o-mini before gpt-4o, gpt-4.1-mini before gpt-4.1.
const PRICES: readonly PriceEntry[] = [
  { pattern: new RegExp(`^gpt-4\\.1-nano${DATE}`), base: [0.1, 0.4], fineTuned: [0.2, 0.8] },
  { pattern: new RegExp(`^gpt-4\\.1-mini${DATE}`), base: [0.4, 1.6], fineTuned: [0.8, 3.2] },
  { pattern: new RegExp(`^gpt-4\\.1${DATE}`), base: [2, 8], fineTuned: [3, 12] },
  { pattern: new RegExp(`^gpt-4o-mini${DATE}`), base: [0.15, 0.6], fineTuned: [0.3, 1.2] },
  // The first gpt-4o snapshot kept its launch price.
  { pattern: /^gpt-4o-2024-05-13$/, base: [5, 15] },
  { pattern: new RegExp(`^gpt-4o${DATE}`), base: [2.5, 10], fineTuned: [3.75, 15] },
];

export interface ParsedModelId {
  /** The base model id, lower case: `gpt-4.1-mini-2025-04-14`. */
  base: string;
  fineTuned: boolean;
  /** How it is named: an `ft:` prefix, an `.ft-` suffix, or `base` for a plain model. */
  form: 'ft-prefix' | 'ft-suffix' | 'base';
}

/**
 * `ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123` (OpenAI, checkpoints included) and
 * `gpt-4.1-mini-2025-04-14.ft-0123abcd` (Azure, optionally `-suffix` after the id) → the base.
 */
export function parseModelId(model: string): ParsedModelId {
  const name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) {
    return { base: name.split(':')[1] ?? '', fineTuned: true, form: 'ft-prefix' };
  }
  const azure = /^(.+)\.ft-[0-9a-z][0-9a-z_-]*$/.exec(name);
  if (azure) return { base: azure[1]!, fineTuned: true, form: 'ft-suffix' };
  return { base: name, fineTuned: false, form: 'base' };
}

/** The price of calling `model`; undefined when our table does not know it. */
export function inferencePrice(model: string): InferencePrice | undefined {
  const { base, fineTuned } = parseModelId(model);
  const entry = PRICES.find((p) => p.pattern.test(base));
  const price = fineTuned ? entry?.fineTuned : entry?.base;
  if (!price) return undefined;
  return { inputPerMillion: price[0], outputPerMillion: price[1], source: INFERENCE_PRICE_SOURCE };
}

/** USD of a chat completion with these token counts; undefined when the model has no price. */
export function chatCostUsd(
  model: string,
  promptTokens: number,
  completionTokens: number,
): number | undefined {
  const price = inferencePrice(model);
  if (!price) return undefined;
  for (const [name, n] of [
    ['promptTokens', promptTokens],
    ['completionTokens', completionTokens],
  ] as const) {
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be ≥ 0, got ${n}`);
  }
  return (promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion) / 1e6;
}
