import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { walkDocuments } from '../../../src/activities/knowledgeBase/documents.js';
import { htmlToText } from '../../../src/activities/knowledgeBase/readers/html.js';
import { parseJsonlDocument } from '../../../src/activities/knowledgeBase/readers/jsonl.js';
import { parseMarkdown } from '../../../src/activities/knowledgeBase/readers/markdown.js';
import { readerFor } from '../../../src/activities/knowledgeBase/readers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kb-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('readers', () => {
  it('Markdown: front matter dropped, title from it or the first heading', () => {
    expect(parseMarkdown('---\ntitle: "Setup guide"\ntags: [a]\n---\n# Install\nRun it.')).toEqual({
      text: '# Install\nRun it.',
      title: 'Setup guide',
    });
    expect(parseMarkdown('Intro\n\n## Not a title\n# Real title #\n')).toEqual({
      text: 'Intro\n\n## Not a title\n# Real title #\n',
      title: 'Real title',
    });
    expect(parseMarkdown('no heading')).toEqual({ text: 'no heading' });
  });

  it('HTML: readable text without scripts, styles or link targets; the title', () => {
    const { text, title } = htmlToText(
      '<html><head><title>Refunds &amp; returns</title><style>p{color:red}</style></head>' +
        '<body><nav>menu</nav><h1>Refunds</h1><p>Ask within <a href="https://x.test/a">30 days</a>.</p>' +
        '<script>alert(1)</script><ul><li>one</li><li>two</li></ul></body></html>',
    );
    expect(title).toBe('Refunds & returns');
    expect(text).toContain('REFUNDS');
    expect(text).toContain('Ask within 30 days.');
    expect(text).toMatch(/one\s+\* two/);
    expect(text).not.toMatch(/alert|color|menu|x\.test/);
  });

  it('JSONL: id, text field, title; a line without text or JSON is a reason', () => {
    expect(
      parseJsonlDocument('{"id":"faq-1","content":"Hi","title":"T"}', 1, 'f.jsonl', 'f.jsonl'),
    ).toEqual({
      id: 'faq-1',
      source: 'f.jsonl',
      format: 'jsonl',
      text: 'Hi',
      title: 'T',
    });
    expect(parseJsonlDocument('{"id":7,"text":"x"}', 3, 'f.jsonl', 'p')).toMatchObject({ id: '7' });
    expect(parseJsonlDocument('{"text":"x"}', 3, 'f.jsonl', 'p')).toMatchObject({
      id: 'f.jsonl#L3',
    });
    expect(parseJsonlDocument('{"title":"x"}', 3, 'f.jsonl', 'p')).toBe(
      'no text (a string in text, content, page_content, body)',
    );
    expect(parseJsonlDocument('[1]', 3, 'f.jsonl', 'p')).toBe('not a JSON object');
    expect(parseJsonlDocument('{', 3, 'f.jsonl', 'p')).toBe('not valid JSON');
  });

  it('chooses a reader by extension', () => {
    expect(readerFor('a/B.MD')?.format).toBe('markdown');
    expect(readerFor('x.htm')?.format).toBe('html');
    expect(readerFor('x.ndjson')?.format).toBe('jsonl');
    expect(readerFor('x.pdf')).toBeUndefined();
  });
});

describe('walkDocuments', () => {
  const root = join(dir, 'corpus');
  mkdirSync(join(root, 'guides', 'deep'), { recursive: true });
  mkdirSync(join(root, '.git'), { recursive: true });
  writeFileSync(join(root, 'b.md'), '# B\r\nsecond');
  writeFileSync(join(root, 'a.txt'), 'first');
  writeFileSync(join(root, 'guides', 'deep', 'c.html'), '<p>third</p>');
  writeFileSync(
    join(root, 'guides', 'faq.jsonl'),
    '{"id":"q1","text":"one"}\n\n{"bad":1}\n{"id":"q2","text":"two"}\n',
  );
  writeFileSync(join(root, 'empty.txt'), '   \n');
  writeFileSync(join(root, 'image.png'), 'png');
  writeFileSync(join(root, '.git', 'HEAD'), 'ref');

  it('reads every supported file in a fixed order with path ids, and lists what it skipped', async () => {
    const walk = walkDocuments([root]);
    const docs = await all(walk.documents);
    expect(docs.map((d) => [d.id, d.format, d.text])).toEqual([
      ['a.txt', 'text', 'first'],
      ['b.md', 'markdown', '# B\nsecond'],
      ['guides/deep/c.html', 'html', 'third'],
      ['q1', 'jsonl', 'one'],
      ['q2', 'jsonl', 'two'],
    ]);
    expect(walk.skipped.map((s) => [s.path.replace(root, ''), s.reason])).toEqual([
      ['/empty.txt', 'no text'],
      ['/guides/faq.jsonl:3', 'no text (a string in text, content, page_content, body)'],
      ['/image.png', expect.stringContaining('not a supported format')],
    ]);
  });

  it('refuses two documents with one id, naming both', async () => {
    const other = join(dir, 'other');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'a.txt'), 'clash');
    const err = await all(walkDocuments([root, other]).documents).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('KbInvalidInput');
    expect((err as Error).message).toContain('Two documents have the id "a.txt"');
  });

  it('a missing source says it must be a path on the worker', async () => {
    const err = await all(walkDocuments([join(dir, 'nope')]).documents).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot be read on the worker \(ENOENT\)/);
  });
});
