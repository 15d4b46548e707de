import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetReport } from '../../../src/dataset/index.js';
import { chatLine, fixture, jsonl, useScratchDir, validate } from './support.js';

describe('invalid.jsonl: each error kind at its line, with what to fix', () => {
  let r: DatasetReport;
  beforeAll(async () => {
    r = await validate(fixture('invalid.jsonl'), { model: 'gpt-4o-mini-2024-07-18' });
  });

  it('fails and keeps the good rows apart', () => {
    expect(r.ok).toBe(false);
    expect(r.format).toBe('chat');
    expect(r.lines).toBe(15);
    expect(r.rows).toBe(14); // the blank line 6 is not a record
    expect(r.examples).toBe(5); // lines 1, 2, 5, 14, 15
  });

  it.each([
    [
      3,
      /^message 2 has role "asistant"; use one of system, developer, user, assistant, tool, function$/,
    ],
    [4, /^is not valid JSON \(.+\); each line must be one complete JSON object$/],
    [7, /^is an array, not a JSON object/],
    [8, /^message 1 \(user\) has no "content"; give the text as a string$/],
    [9, /^message 2 \(assistant\) has weight 2; use 0 .* or 1/],
    [10, /tool_call_id "call_9", but no earlier assistant message made a tool call with that id/],
    [11, /^is a DPO \(preference\) example, but this file is supervised chat \(from line 1\)/],
    [12, /^is not valid UTF-8; save the file as UTF-8$/],
    [
      13,
      /^message 1 \(user\) has unknown key "foo"; user messages allow role, content, name — remove it$/,
    ],
  ])('line %i', (line, message) => {
    const atLine = r.errors.filter((e) => e.line === line);
    expect(atLine).toHaveLength(1);
    expect(atLine[0]?.message).toMatch(message);
  });

  it('reports nothing else, and the mid-file blank line as a warning', () => {
    expect(r.errorCount).toBe(9);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 7, 8, 9, 10, 11, 12, 13]);
    expect(r.warnings).toEqual([{ line: 6, message: expect.stringMatching(/blank/) as string }]);
    expect(r.stats.blankLines).toBe(1);
  });
});

describe('file-level rules', () => {
  const s = useScratchDir();
  const ten = Array.from({ length: 10 }, (_, i) => chatLine(`q${i}`, `a${i}`));

  it('fewer than minExamples is a file-level error (line 0) that says how many are needed', async () => {
    const r = await validate(fixture('too-few.jsonl'));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      {
        line: 0,
        message: expect.stringMatching(
          /has 3 example\(s\) but at least 10 are needed.*add more/,
        ) as string,
      },
    ]);
    expect((await validate(fixture('too-few.jsonl'), { minExamples: 1 })).ok).toBe(true);
  });

  it('an empty file is an error', async () => {
    const r = await validate(await s.write('empty.jsonl', ''));
    expect(r).toMatchObject({ ok: false, bytes: 0, rows: 0 });
    expect(r.errors[0]?.message).toMatch(/empty/);
  });

  it('trailing blank lines, CRLF endings and a missing final newline are fine', async () => {
    const crlf = await s.write('crlf.jsonl', ten.join('\r\n') + '\r\n\r\n\n');
    expect(await validate(crlf)).toMatchObject({ ok: true, examples: 10, warningCount: 0 });
    const noFinalNewline = await s.write('nonl.jsonl', ten.join('\n'));
    expect(await validate(noFinalNewline)).toMatchObject({ ok: true, lines: 10, examples: 10 });
  });

  it('a byte order mark is tolerated with a warning', async () => {
    const r = await validate(await s.write('bom.jsonl', '\uFEFF' + ten.join('\n')));
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      { line: 1, message: expect.stringMatching(/byte order mark/) as string },
    ]);
  });

  it('a line with no recognisable shape says what a line should look like', async () => {
    const r = await validate(await s.write('shape.jsonl', jsonl([{ text: 'hello' }, ...ten])));
    expect(r.errors).toEqual([
      {
        line: 1,
        message: expect.stringMatching(/not a recognised example.*\{"messages"/) as string,
      },
    ]);
    expect(r.format).toBe('chat'); // fixed by line 2, the first recognisable one
  });

  it('keeps the first 100 errors but counts them all', async () => {
    const r = await validate(await s.write('many.jsonl', 'not json\n'.repeat(500)));
    expect(r.errorCount).toBe(500);
    expect(r.errors).toHaveLength(100);
    expect(r.errors[99]?.line).toBe(100);
  });

  it('a line longer than the cap is reported without being held', async () => {
    const { JsonlLineReader } = await import('../../../src/dataset/lineReader.js');
    const path = await s.write('long.jsonl', `${'x'.repeat(5000)}\nshort\n${'y'.repeat(3000)}`);
    const reader = new JsonlLineReader(path, { maxLineBytes: 1000 });
    const lines = [];
    for await (const line of reader.read()) lines.push(line);
    expect(lines).toEqual([
      { number: 1, text: undefined, problem: 'too-long' },
      { number: 2, text: 'short' },
      { number: 3, text: undefined, problem: 'too-long' },
    ]);
  });
});
