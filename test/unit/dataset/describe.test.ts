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
  const long = 'word '.repeat(5000); // ~5,000 tokens, over gpt-3.5-turbo-0613's 4,096

  it('a reply cut part-way is a warning at its line number, plus a summary', async () => {
    const lines = Array.from({ length: 10 }, (_, i) =>
      i === 2 || i === 6 ? chatLine('summarise the log', long) : chatLine(`q${i}`, `a${i}`),
    );
    const path = await scratch.write('long.jsonl', lines.join('\n') + '\n');
    const r = await validate(path, { model: 'gpt-3.5-turbo-0613' });
    expect(r.ok).toBe(true);
    expect(r.tokens.overLimit).toBe(2);
    const perLine = r.warnings.filter((w) => w.line > 0).map(issueText);
    expect(perLine).toEqual([
      expect.stringMatching(
        /^line 3 has \d+ tokens, over the 4096-token training context of gpt-3\.5-turbo-0613; the service cuts it from the end/,
      ),
      expect.stringMatching(/^line 7 has \d+ tokens, over the 4096-token training context/),
    ]);
    expect(r.warnings.find((w) => w.line === 0)?.message).toMatch(
      /2 example\(s\) exceed.*first lines: 3, 7/,
    );
  });

  it('an example whose final reply would be cut off entirely is an error at its line', async () => {
    const lines = Array.from({ length: 10 }, (_, i) =>
      i === 4 ? chatLine(long, 'the answer') : chatLine(`q${i}`, `a${i}`),
    );
    const path = await scratch.write('lost.jsonl', lines.join('\n') + '\n');
    const r = await validate(path, { model: 'gpt-3.5-turbo-0613' });
    expect(r.ok).toBe(false);
    expect(r.errors.map(issueText)).toEqual([
      expect.stringMatching(
        /^line 5 has \d+ tokens, over the 4096-token training context of gpt-3\.5-turbo-0613, and the \d+ tokens before its final assistant reply already fill it: .*that reply is lost/,
      ),
    ]);
    expect(r.warnings.filter((w) => w.line === 5)).toEqual([]);
    expect(describeDatasetProblems('lost.jsonl', r)).toMatch(/^ {2}line 5 has \d+ tokens/m);
  });

  it('counts tool definitions ahead of the reply: a prompt just under the limit plus tools loses it', async () => {
    const tools = [{ type: 'function', function: { name: 'lookup', description: long } }];
    const line = JSON.stringify({
      tools,
      messages: [
        { role: 'user', content: 'look it up' },
        { role: 'assistant', content: 'found it' },
      ],
    });
    const path = await scratch.write(
      'tools.jsonl',
      [line, ...Array.from({ length: 9 }, (_, i) => chatLine(`q${i}`, `a${i}`))].join('\n') + '\n',
    );
    const r = await validate(path, { model: 'gpt-3.5-turbo-0613' });
    expect(r.errors.map(issueText)).toEqual([expect.stringMatching(/^line 1 has .*reply is lost/)]);
  });
});
