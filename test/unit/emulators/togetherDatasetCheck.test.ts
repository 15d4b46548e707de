import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkDataset } from '../../../src/emulators/together/datasetCheck.js';

const check = (lines: unknown[]) =>
  checkDataset(Readable.from([lines.map((l) => JSON.stringify(l)).join('\n')]));
const chat = (extra: Record<string, unknown> = {}, messages?: unknown[]) => ({
  messages: messages ?? [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'hello' },
  ],
  ...extra,
});
const pair = (last = 'user') => ({
  input: { messages: [{ role: last, content: 'q' }] },
  preferred_output: [{ role: 'assistant', content: 'good' }],
  non_preferred_output: [{ role: 'assistant', content: 'bad' }],
});

describe("the Together emulator's dataset check", () => {
  it('recognises each format and counts lines and tokens', async () => {
    expect(await check([chat(), chat()])).toMatchObject({
      valid: true,
      datasetFormat: 'CONVERSATION',
      nlines: 2,
    });
    expect(await check([{ prompt: 'p', completion: 'c' }])).toMatchObject({
      valid: true,
      datasetFormat: 'INSTRUCTION',
    });
    expect(await check([{ text: 'plain' }])).toMatchObject({
      valid: true,
      datasetFormat: 'GENERAL',
    });
    expect(await check([pair()])).toMatchObject({
      valid: true,
      datasetFormat: 'PREFERENCE_OPENAI',
    });
    expect((await check([chat()])).tokens).toBeGreaterThan(0);
  });

  it('allows tools and role tool (unlike the SDK’s local check) and reports what the data holds', async () => {
    const report = await check([
      chat({ tools: [{ type: 'function', function: { name: 'f' } }], weight: 0.5 }, [
        { role: 'system', content: 's' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: '1' }, { id: '2' }] },
        { role: 'tool', content: 'r' },
        { role: 'assistant', content: 'done', weight: 1, reasoning: 'because' },
      ]),
    ]);
    expect(report).toMatchObject({
      valid: true,
      hasTools: true,
      hasParallelToolCalls: true,
      hasSampleWeights: true,
      hasMessageWeights: true,
      hasReasoning: true,
      isMultimodal: true,
    });
  });

  it('refuses, naming the line: bad JSON, no format, two formats in a line, two formats in a file', async () => {
    expect((await checkDataset(Readable.from(['{"text":"a"}\nnot json\n']))).error).toBe(
      'Line 2: not valid JSON.',
    );
    expect((await check([{ question: 'q' }])).error).toMatch(/^Line 1: no known dataset format/);
    expect((await check([{ text: 't', ...chat() }])).error).toMatch(
      /^Line 1: matches more than one format/,
    );
    expect((await check([chat(), { text: 't' }])).error).toMatch(/^Line 2: .*one format per file/);
  });

  it('refuses conversations and pairs the service would not train on', async () => {
    const fails = async (line: unknown) => (await check([line])).error;
    expect(await fails(chat({}, [{ role: 'assistant', content: 'a' }]))).toMatch(
      /start with a system or user/,
    );
    expect(await fails(chat({}, [{ role: 'user', content: 'q' }]))).toMatch(
      /at least one assistant/,
    );
    expect(await fails(chat({}, [{ role: 'robot', content: 'q' }]))).toMatch(/role "robot"/);
    expect(
      await fails(
        chat({}, [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a', weight: 0.5 },
        ]),
      ),
    ).toMatch(/weights must be 0 or 1/);
    expect(await fails(chat({ weight: -1 }))).toMatch(/"weight" must be a number ≥ 0/);
    expect(await fails(pair('assistant'))).toMatch(/last input message/);
    expect(await fails({ ...pair(), preferred_output: [] })).toMatch(
      /exactly one assistant message/,
    );
    expect(await fails({ prompt: 'p' })).toMatch(/"prompt" and "completion"/);
  });

  it('refuses a file with no samples', async () => {
    expect(await checkDataset(Readable.from(['\n\n']))).toMatchObject({
      valid: false,
      error: 'The file has no samples: at least one is required.',
    });
  });
});
