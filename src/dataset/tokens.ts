import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { contentText } from './contentParts.js';
import type { ExampleView } from './formats/index.js';
import type { ChatMessage } from './messages.js';
import type { EncodingName } from './models.js';

// Token counting after OpenAI's data-prep cookbook: 3 tokens per message, the tokens of every
// value, 1 more per `name`, and 3 for the reply primer. It is an estimate: the service's exact
// template is not published. Non-text values (tool calls, tool definitions) are counted as their
// JSON text; image parts are not counted (their cost depends on size and detail).

const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMER = 3;
/** Cache budgets in characters of keys (a few MB each), and the longest key worth caching. */
const PIECE_CACHE_CHARS = 2_000_000;
const VALUE_CACHE_CHARS = 4_000_000;
const MAX_CACHED_KEY = 2_000;

export class TokenCounter {
  private readonly pattern: RegExp;
  private readonly pieces = new BoundedCache(PIECE_CACHE_CHARS);
  private readonly values = new BoundedCache(VALUE_CACHE_CHARS);

  constructor(
    readonly encoding: EncodingName,
    private readonly tiktoken: Tiktoken,
    patStr: string,
  ) {
    this.pattern = new RegExp(patStr, 'gu');
  }

  /**
   * Exact BPE count of `text`, treating special-token text as plain text. Splits with the
   * encoding's own pattern and caches per piece: js-tiktoken's `encode` rebuilds its regexes on
   * every call, which made a large file ten times slower. Short whole values are cached too,
   * since system prompts repeat on every line.
   */
  count(text: string): number {
    const known = this.values.get(text);
    if (known !== undefined) return known;
    let total = 0;
    // String#match with a global pattern returns plain strings: faster than matchAll's records.
    for (const piece of text.match(this.pattern) ?? []) {
      let n = this.pieces.get(piece);
      if (n === undefined) {
        n = this.tiktoken.encode(piece, [], []).length;
        this.pieces.set(piece, n);
      }
      total += n;
    }
    this.values.set(text, total);
    return total;
  }
}

/** A string → count map capped by the total length of its keys; cleared when full. */
class BoundedCache {
  private readonly map = new Map<string, number>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  get(key: string): number | undefined {
    return key.length <= MAX_CACHED_KEY ? this.map.get(key) : undefined;
  }

  set(key: string, value: number): void {
    if (key.length > MAX_CACHED_KEY) return;
    if (this.chars + key.length > this.maxChars) {
      this.map.clear();
      this.chars = 0;
    }
    this.map.set(key, value);
    this.chars += key.length;
  }
}

/**
 * A loaded table costs ~70 MB of heap (~120 MB RSS) and a worker needs it only while it validates
 * or profiles a dataset, so it is held for TOKENIZER_IDLE_MS after its last use and then only
 * weakly: a caller still counting keeps it alive (and it is shared again), otherwise it is freed.
 */
export const TOKENIZER_IDLE_MS = 120_000;

interface HeldCounter {
  strong?: Promise<TokenCounter>;
  weak?: WeakRef<TokenCounter>;
  release?: ReturnType<typeof setTimeout>;
}
const counters = new Map<EncodingName, HeldCounter>();

/** Loads the ranks shipped inside js-tiktoken (no network); shared while in use. */
export function loadTokenCounter(encoding: EncodingName): Promise<TokenCounter> {
  let held = counters.get(encoding);
  if (!held) counters.set(encoding, (held = {}));
  const alive = held.weak?.deref();
  if (!held.strong) {
    const entry = held;
    const loading: Promise<TokenCounter> = alive
      ? Promise.resolve(alive)
      : importRanks(encoding).then(
          (ranks) => new TokenCounter(encoding, new Tiktoken(ranks), ranks.pat_str),
        );
    entry.strong = loading;
    loading.then(
      (counter) => (entry.weak = new WeakRef(counter)),
      () => {
        if (entry.strong === loading) entry.strong = undefined; // a failed load is tried again
      },
    );
  }
  clearTimeout(held.release);
  const entry = held;
  entry.release = setTimeout(() => (entry.strong = undefined), TOKENIZER_IDLE_MS);
  entry.release.unref?.();
  return entry.strong!;
}

async function importRanks(encoding: EncodingName): Promise<TiktokenBPE> {
  const module =
    encoding === 'o200k_base'
      ? await import('js-tiktoken/ranks/o200k_base')
      : await import('js-tiktoken/ranks/cl100k_base');
  return module.default;
}

export interface ExampleTokens {
  total: number;
  assistant: number;
  /**
   * Tokens ahead of the content of the final trained reply: the service cuts an example from the
   * end, so a context of this size or less loses that reply entirely. Absent when nothing is
   * trained on (reinforcement prompts).
   */
  finalReplyStart?: number;
}

export function countExampleTokens(counter: TokenCounter, view: ExampleView): ExampleTokens {
  if (view.completion) {
    const prompt = counter.count(view.completion.prompt);
    const completion = counter.count(view.completion.completion);
    return { total: prompt + completion, assistant: completion, finalReplyStart: prompt };
  }
  const trained = new Set(view.trained);
  const finalReply = view.trained[view.trained.length - 1];
  // Tool definitions are rendered ahead of the conversation.
  let total = view.tools.length > 0 ? counter.count(JSON.stringify(view.tools)) : 0;
  let assistant = 0;
  let finalReplyStart: number | undefined;
  for (const message of view.messages) {
    const tokens = countMessage(counter, message);
    if (trained.has(message)) {
      const output = countAssistantOutput(counter, message);
      assistant += output;
      if (message === finalReply) finalReplyStart = total + tokens - output;
    }
    total += tokens;
  }
  total += REPLY_PRIMER;
  return { total, assistant, ...(finalReplyStart !== undefined ? { finalReplyStart } : {}) };
}

function countMessage(counter: TokenCounter, message: ChatMessage): number {
  let n = TOKENS_PER_MESSAGE;
  for (const [key, value] of Object.entries(message)) {
    if (key === 'weight' || value === null || value === undefined) continue;
    if (key === 'content') n += counter.count(contentText(value));
    else n += counter.count(typeof value === 'string' ? value : JSON.stringify(value));
    if (key === 'name') n += TOKENS_PER_NAME;
  }
  return n;
}

function countAssistantOutput(counter: TokenCounter, message: ChatMessage): number {
  let n = counter.count(contentText(message.content));
  if (message.tool_calls) n += counter.count(JSON.stringify(message.tool_calls));
  if (message.function_call) n += counter.count(JSON.stringify(message.function_call));
  return n;
}
