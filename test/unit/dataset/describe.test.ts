import { describe, expect, it } from 'vitest';
import { describeDatasetProblems, issueText } from '../../../src/dataset/describe.js';
import { chatLine, fixture, jsonl, useScratchDir, validate } from './support.js';

describe('issueText', () => {
  it('reads "line N is …" for messages written to follow a line number, "line N: …" otherwise', () => {
    expect(issueText({ line: 4, message: 'is not valid JSON (x)' })).toBe(
      'line 4 is not valid JSON (x)',
    );
    expect(issueText({ line: 3, message: 'message 2 has role "asistant"' })).toBe(
      'line 3: message 2 has role "asistant"',
    );
    expect(issueText({ line: 0, message: 'The file is empty' })).toBe('The file is empty');
  });
});

describe('describeDatasetProblems', () => {
  const scratch = useScratchDir();

  it('never calls a file "a valid unknown dataset"', async () => {
    const path = await scratch.write('junk.jsonl', jsonl([{ foo: 1 }, { bar: 2 }]));
    const r = await validate(path, { minExamples: 1 });
    expect(r.format).toBe('unknown');
    const text = describeDatasetProblems(path, r);
    expect(text).not.toMatch(/unknown dataset/);
    expect(text).toMatch(/junk\.jsonl is not a dataset we recognise \(2 error\(s\)\)/);
    expect(text).toMatch(/^ {2}line 1 is not a recognised example/m);
  });

  it('names the format of a recognised but broken file, with line numbers', async () => {
    const r = await validate(fixture('invalid.jsonl'));
    const text = describeDatasetProblems('invalid.jsonl', r, 3);
    expect(text).toMatch(
      /^invalid\.jsonl is not a valid supervised chat dataset \(\d+ error\(s\)\)/,
    );
    expect(text).toMatch(/^ {2}line 3: message 2 has role "asistant"/m);
    expect(text).toMatch(/^ {2}line 4 is not valid JSON/m);
    expect(text).toMatch(/… and \d+ more$/);
  });
});

describe('examples over the model context', () => {
  const scratch = useScratchDir();

  it('are warnings at their own line numbers, plus a summary', async () => {
    const long = 'word '.repeat(5000);
    const lines = Array.from({ length: 10 }, (_, i) =>
      i === 2 || i === 6 ? chatLine(long, 'ok') : chatLine(`q${i}`, `a${i}`),
    );
    const path = await scratch.write('long.jsonl', lines.join('\n') + '\n');
    // gpt-3.5-turbo-0613 trains on 4,096 tokens.
    const r = await validate(path, { model: 'gpt-3.5-turbo-0613' });
    expect(r.ok).toBe(true);
    expect(r.tokens.overLimit).toBe(2);
    const perLine = r.warnings.filter((w) => w.line > 0).map(issueText);
    expect(perLine).toEqual([
      expect.stringMatching(
        /^line 3 has \d+ tokens, over the 4096-token training context of gpt-3\.5-turbo-0613/,
      ),
      expect.stringMatching(/^line 7 has \d+ tokens, over the 4096-token training context/),
    ]);
    expect(r.warnings.find((w) => w.line === 0)?.message).toMatch(
      /2 example\(s\) exceed.*first lines: 3, 7/,
    );
  });
});
