import { describe, expect, it } from 'vitest';
import { issueText } from '../../../src/dataset/describe.js';
import {
  chatLine,
  fixture,
  jsonl,
  SAMPLES,
  scratchDir,
  useScratchDir,
  validate,
} from './support.js';

describe('accepted formats', () => {
  it('accepts the sample training and validation files as chat', async () => {
    const train = await validate(`${SAMPLES}train.jsonl`);
    expect(train).toMatchObject({
      ok: true,
      format: 'chat',
      rows: 20,
      examples: 20,
      errorCount: 0,
    });
    const valid = await validate(`${SAMPLES}valid.jsonl`, { minExamples: 1 });
    expect(valid).toMatchObject({ ok: true, format: 'chat', examples: 6 });
  });

  it('accepts multi-turn chat with tools, tool replies, weights and an image part', async () => {
    const r = await validate(fixture('chat-tools.jsonl'), { model: 'gpt-4o-2024-08-06' });
    expect(r).toMatchObject({ ok: true, format: 'chat', examples: 10, warningCount: 0 });
    expect(r.stats.messagesByRole).toEqual({ system: 10, user: 13, assistant: 23, tool: 10 });
    expect(r.stats.withTools).toBe(10);
    expect(r.stats.withImages).toBe(1);
    // Lines 2, 5 and 8 mark their first reply weight 0.
    expect(r.stats.untrainedAssistantMessages).toBe(3);
  });

  it('warns that images are documented for gpt-4o-2024-08-06 only', async () => {
    const r = await validate(fixture('chat-tools.jsonl'), { model: 'gpt-4.1-mini-2025-04-14' });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(
      /vision fine-tuning.*gpt-4o-2024-08-06/,
    );
  });

  it('accepts a DPO file for a dpo job', async () => {
    const r = await validate(fixture('dpo.jsonl'), { method: 'dpo' });
    expect(r).toMatchObject({ ok: true, format: 'dpo', examples: 10 });
    expect(r.stats.messagesByRole).toEqual({ system: 10, user: 10, assistant: 20 });
    expect(r.tokens.assistantPerExample.min).toBeGreaterThan(0);
  });

  it('accepts a reinforcement file with reference fields', async () => {
    const r = await validate(fixture('reinforcement.jsonl'), {
      method: 'reinforcement',
      model: 'o4-mini-2025-04-16',
    });
    expect(r).toMatchObject({ ok: true, format: 'reinforcement', examples: 12, warningCount: 0 });
    expect(r.stats.messagesByRole).toEqual({ developer: 12, user: 12 });
    expect(r.stats.withoutSystem).toBe(0);
  });

  it('accepts legacy prompt/completion lines for babbage-002 only', async () => {
    const s = await scratchDir();
    try {
      const lines = Array.from({ length: 10 }, (_, i) => ({
        prompt: `Q${i} ->`,
        completion: ` A${i}`,
      }));
      const path = await s.write('legacy.jsonl', jsonl(lines));
      const ok = await validate(path, { model: 'babbage-002' });
      expect(ok).toMatchObject({ ok: true, format: 'completion', examples: 10 });
      expect(ok.tokens.encoding).toBe('cl100k_base');
      const bad = await validate(path, { model: 'gpt-4.1-2025-04-14' });
      expect(bad.ok).toBe(false);
      expect(bad.errors[0]).toMatchObject({ line: 1 });
      expect(bad.errors[0]?.message).toMatch(/only babbage-002 and davinci-002.*"messages"/);
    } finally {
      await s.cleanup();
    }
  });
});

describe('format and method mismatch', () => {
  it('says a DPO file was given to a supervised job, at the line it was detected', async () => {
    const r = await validate(fixture('dpo.jsonl'), { method: 'supervised' });
    expect(r.ok).toBe(false);
    expect(r.format).toBe('dpo');
    expect(r.errorCount).toBe(1);
    expect(r.errors[0]?.line).toBe(1);
    expect(issueText(r.errors[0]!)).toMatch(
      /^line 1 is a DPO example \(input\/preferred_output\/non_preferred_output\) but --method is supervised; use --method dpo/,
    );
  });

  it('says a chat file cannot train a dpo job', async () => {
    const r = await validate(`${SAMPLES}train.jsonl`, { method: 'dpo' });
    expect(r.ok).toBe(false);
    expect(issueText(r.errors[0]!)).toMatch(
      /^line 1 is a supervised chat example \(messages ending with the assistant reply\) but --method is dpo; use --method supervised/,
    );
    expect(r.errors[0]?.message).toContain('preferred_output');
  });

  it('explains why a chat file does not fit a reinforcement job', async () => {
    const r = await validate(`${SAMPLES}train.jsonl`, {
      method: 'reinforcement',
      model: 'o4-mini-2025-04-16',
    });
    expect(r.ok).toBe(false);
    expect(r.errors[0]?.message).toMatch(
      /but --method is reinforcement \(reinforcement examples end with the prompt and keep the reference answer.*\); use --method supervised/,
    );
  });

  it('explains why a reinforcement file does not fit a supervised job, naming its reference fields', async () => {
    const r = await validate(fixture('reinforcement.jsonl'), { method: 'supervised' });
    expect(r.ok).toBe(false);
    expect(r.format).toBe('reinforcement');
    expect(r.errors[0]?.message).toMatch(/reference fields reference_answer, difficulty\)/);
    expect(r.errors[0]?.message).toMatch(
      /but --method is supervised .*; use --method reinforcement/,
    );
  });
});

describe('format-specific rules', () => {
  const s = useScratchDir();

  const rftLine = (messages: object[], extra: object = { answer: '42' }) => ({
    messages,
    ...extra,
  });

  it('reinforcement: rejects a system role (suggesting developer) and a final assistant message', async () => {
    const good = Array.from({ length: 10 }, () => rftLine([{ role: 'user', content: 'q' }]));
    const path = await s.write(
      'rft-bad.jsonl',
      jsonl([
        ...good,
        rftLine([
          { role: 'system', content: 's' },
          { role: 'user', content: 'q' },
        ]),
        rftLine([
          { role: 'user', content: 'q' },
          { role: 'assistant', content: '42' },
        ]),
        rftLine([{ role: 'user', content: 'q' }], { other: 1 }),
      ]),
    );
    const r = await validate(path, { method: 'reinforcement', model: 'o4-mini-2025-04-16' });
    expect(r.errors).toEqual([
      {
        line: 11,
        message: expect.stringMatching(/role "system".*use "developer" instead/) as string,
      },
      {
        line: 12,
        message: expect.stringMatching(
          /ends with an assistant message.*reference_answer/,
        ) as string,
      },
    ]);
    expect(r.warnings).toContainEqual({
      line: 13,
      message: expect.stringMatching(
        /lacks reference field\(s\) "answer" that line 1 has/,
      ) as string,
    });
  });

  it('dpo: asks to rename *_completion keys and to wrap outputs in a list', async () => {
    const input = { messages: [{ role: 'user', content: 'q' }] };
    const out = [{ role: 'assistant', content: 'good' }];
    const path = await s.write(
      'dpo-bad.jsonl',
      jsonl([
        {
          input,
          preferred_output: out,
          non_preferred_output: [{ role: 'assistant', content: 'bad' }],
        },
        { input, preferred_completion: out, non_preferred_output: out },
        { input, preferred_output: { role: 'assistant', content: 'x' }, non_preferred_output: out },
      ]),
    );
    const r = await validate(path, { method: 'dpo', minExamples: 1 });
    const byLine = (n: number) => r.errors.filter((e) => e.line === n).map((e) => e.message);
    expect(byLine(1)).toEqual([]);
    expect(byLine(2).join('\n')).toMatch(/"preferred_completion".*rename/);
    expect(byLine(3).join('\n')).toMatch(
      /"preferred_output" is an object; it must be a list holding one assistant message/,
    );
  });

  it('chat: rejects an example without any trained assistant message', async () => {
    const path = await s.write(
      'chat-noassistant.jsonl',
      jsonl([
        { messages: [{ role: 'user', content: 'q' }] },
        {
          messages: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: 'a', weight: 0 },
          ],
        },
        chatLine('q', 'a'),
      ]),
    );
    const r = await validate(path, { minExamples: 1 });
    expect(r.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(r.errors[0]?.message).toMatch(/no assistant message/);
    expect(r.errors[1]?.message).toMatch(/weight 0.*set weight 1/);
  });
});
