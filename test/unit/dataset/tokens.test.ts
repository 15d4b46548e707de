import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { modelFacts } from '../../../src/dataset/index.js';
import { loadTokenCounter } from '../../../src/dataset/tokens.js';
import { chatLine, jsonl, useScratchDir, validate } from './support.js';

describe('token counting', () => {
  const s = useScratchDir();

  it('matches a hand count of one example (cookbook rule)', async () => {
    // Hand count (o200k_base): "You are a helpful assistant." = You|are|a|helpful|assistant|. = 6,
    // "What is the capital of France?" = 7, "Paris." = 2; roles 3 × 1; 3 per message × 3 = 9;
    // reply primer 3 → 30 in all, 2 of them the assistant's.
    const line = chatLine('What is the capital of France?', 'Paris.');
    const path = await s.write('one.jsonl', jsonl([line]));
    const r = await validate(path, { minExamples: 1 });
    expect(Math.abs(r.tokens.total - 30)).toBeLessThanOrEqual(2);
    expect(r.tokens.assistantPerExample.max).toBe(2);
  });

  it('adds one token per name on top of the name itself', async () => {
    const plain = {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
      ],
    };
    const named = {
      messages: [
        { role: 'user', content: 'Hi', name: 'alice' },
        { role: 'assistant', content: 'Hello' },
      ],
    };
    const a = await validate(await s.write('plain.jsonl', jsonl([plain])), { minExamples: 1 });
    const b = await validate(await s.write('named.jsonl', jsonl([named])), { minExamples: 1 });
    expect(b.tokens.total - a.tokens.total).toBe(2); // "alice" is one token, plus the name token
  });

  it('the cached piece counter equals a plain encode, special-token text included', async () => {
    const counter = await loadTokenCounter('o200k_base');
    const reference = new Tiktoken(o200k);
    for (const text of [
      'Hello, world!  Two  spaces\n\nand lines',
      'Ünïcödé – 日本語のテキスト 🙂 and émojis',
      'numbers 1234567890 and code: const x = {"a": [1, 2]};',
      'text with <|endoftext|> inside',
      '   leading and trailing   ',
    ]) {
      expect(counter.count(text)).toBe(reference.encode(text, [], []).length);
      expect(counter.count(text)).toBe(reference.encode(text, [], []).length); // cached path
    }
  });

  it('picks the encoding and context limit by model family', () => {
    expect(modelFacts('gpt-4o-mini-2024-07-18')).toMatchObject({
      encoding: 'o200k_base',
      contextLimit: 65_536,
    });
    expect(modelFacts('gpt-4.1-nano-2025-04-14')).toMatchObject({ contextLimit: 32_768 });
    expect(modelFacts('o4-mini-2025-04-16').encoding).toBe('o200k_base');
    expect(modelFacts('gpt-3.5-turbo-0125')).toMatchObject({
      encoding: 'cl100k_base',
      contextLimit: 16_385,
    });
    expect(modelFacts('gpt-3.5-turbo-0613').contextLimit).toBe(4_096);
    expect(modelFacts('gpt-4-0613').encoding).toBe('cl100k_base');
    expect(modelFacts('ft:gpt-4.1-mini-2025-04-14:acme::abc123')).toMatchObject({
      baseModel: 'gpt-4.1-mini-2025-04-14',
      contextLimit: 65_536,
      supervisedPricePerMillion: 5,
    });
    expect(modelFacts('some-future-model')).toMatchObject({
      encoding: 'o200k_base',
      contextLimit: 16_385,
      contextLimitKnown: false,
    });
  });

  it('counts examples over the context limit and caps their billable tokens', async () => {
    const long = 'word '.repeat(5000); // ~5,000 tokens, over gpt-3.5-turbo-0613's 4,096
    const path = await s.write(
      'long.jsonl',
      jsonl([chatLine('short', 'ok'), chatLine('summarise', long)]),
    );
    const r = await validate(path, { model: 'gpt-3.5-turbo-0613', minExamples: 1 });
    expect(r.ok).toBe(true);
    expect(r.tokens).toMatchObject({
      encoding: 'cl100k_base',
      contextLimit: 4_096,
      overLimit: 1,
      overLimitLines: [2],
    });
    expect(r.tokens.total).toBeGreaterThan(5000);
    expect(r.tokens.billableTotal).toBe(r.tokens.perExample.min + 4_096);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(
      /1 example\(s\) exceed the 4096-token/,
    );
  });

  it('reports the distribution of tokens per example', async () => {
    const lines = Array.from({ length: 10 }, (_, i) =>
      chatLine('q', 'word '.repeat(i * 10) + 'end'),
    );
    const r = await validate(await s.write('dist.jsonl', jsonl(lines)));
    const d = r.tokens.assistantPerExample;
    expect(d.count).toBe(10);
    expect(d.min).toBe(1); // "end"
    expect(d.max).toBe(91); // 90 × "word" + " end"
    expect(d.p50).toBe(41); // nearest rank 5 of 10
    expect(d.p90).toBe(81);
    expect(d.mean).toBe(46);
  });
});
