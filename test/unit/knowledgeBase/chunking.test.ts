import { describe, expect, it } from 'vitest';
import {
  chunkDocument,
  chunkId,
  docIdOf,
  normaliseText,
  splitSpans,
} from '../../../src/activities/knowledgeBase/chunking.js';
import { resolveChunkStrategy } from '../../../src/workflows/kb/rules.js';

const slices = (text: string, size: number, overlap: number) =>
  splitSpans(text, size, overlap).map((s) => text.slice(s.start, s.end));

describe('splitSpans (recursive@1)', () => {
  it('keeps a short text whole, trimmed', () => {
    expect(splitSpans('  hello world \n', 100, 10)).toEqual([{ start: 2, end: 13 }]);
  });

  it('makes nothing of whitespace', () => {
    expect(splitSpans(' \n\n\t ', 100, 10)).toEqual([]);
  });

  it('cuts at a blank line before a line end, a sentence or a space', () => {
    const text = 'First paragraph here.\n\nSecond one follows. It is longer than the first.';
    expect(slices(text, 30, 0)).toEqual([
      'First paragraph here.',
      'Second one follows.',
      'It is longer than the first.',
    ]);
  });

  it('never ends a chunk in its first half: a late space beats an early blank line', () => {
    const text = 'ab\n\ncdefghij klmnopqrstuvwxyz';
    // The blank line is at 2, before half of the 20-character window; the space at 13 is not.
    expect(slices(text, 20, 0)[0]).toBe('ab\n\ncdefghij');
  });

  it('hard-cuts one unbroken run, never inside a surrogate pair', () => {
    const run = 'x'.repeat(9) + '😀' + 'y'.repeat(10);
    const spans = splitSpans(run, 10, 0);
    // 10 would split the emoji's two code units: the cut moves back to 9.
    expect(spans[0]).toEqual({ start: 0, end: 9 });
    expect(run.slice(spans[1]!.start, spans[1]!.end).startsWith('😀')).toBe(true);
    expect(spans.map((s) => run.slice(s.start, s.end)).join('')).toBe(run);
  });

  it('overlaps by whole words and always moves on', () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const spans = splitSpans(words, 50, 20);
    for (const s of spans) {
      expect(s.end - s.start).toBeLessThanOrEqual(50);
      expect(words[s.start - 1] === undefined || words[s.start - 1] === ' ').toBe(true);
    }
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.start).toBeGreaterThan(spans[i - 1]!.start);
      expect(spans[i]!.start).toBeLessThan(spans[i - 1]!.end); // it overlaps
    }
    expect(spans.at(-1)!.end).toBe(words.length);
  });

  it('covers every non-space character at least once', () => {
    const text =
      'Lorem ipsum dolor sit amet. '.repeat(40) + '\n\n' + 'Consectetur adipiscing. '.repeat(30);
    const covered = new Uint8Array(text.length);
    for (const s of splitSpans(text, 200, 40)) covered.fill(1, s.start, s.end);
    for (let i = 0; i < text.length; i++) {
      if (!/\s/.test(text[i]!)) expect(covered[i]).toBe(1);
    }
  });
});

describe('chunk ids', () => {
  const strategy = resolveChunkStrategy({ size: 30, overlap: 0 });

  it('are the document id and a digest of strategy, span and text', () => {
    const a = chunkId('guide.md', strategy, { start: 0, end: 5 }, 'hello');
    expect(a).toMatch(/^guide\.md#[0-9a-f]{16}$/);
    expect(chunkId('guide.md', strategy, { start: 0, end: 5 }, 'hello')).toBe(a);
    expect(chunkId('guide.md', strategy, { start: 1, end: 6 }, 'hello')).not.toBe(a);
    expect(chunkId('other.md', strategy, { start: 0, end: 5 }, 'hello')).not.toBe(a);
    const other = resolveChunkStrategy({ size: 61, overlap: 0 });
    expect(chunkId('guide.md', other, { start: 0, end: 5 }, 'hello')).not.toBe(a);
  });

  it('give a text repeated in one document one id per place, one hash for both', () => {
    const text = 'Same sentence here.\n\nSame sentence here.';
    const chunks = chunkDocument('d', text, resolveChunkStrategy({ size: 100, overlap: 0 }));
    expect(chunks).toHaveLength(1);
    const split = chunkDocument('d', text, strategy);
    expect(split).toHaveLength(2);
    expect(split[0]!.id).not.toBe(split[1]!.id);
    expect(split[0]!.hash).toBe(split[1]!.hash);
  });

  it('an edit keeps the ids of chunks before it, changes the edited one', () => {
    const base = ['Alpha section text.', 'Beta section text.', 'Gamma section text.'].join('\n\n');
    const edited = base.replace('Gamma section', 'Gamma edited section');
    const s = resolveChunkStrategy({ size: 100, overlap: 0 });
    const before = chunkDocument('d', base, { ...s, size: 25 });
    const after = chunkDocument('d', edited, { ...s, size: 25 });
    expect(after[0]!.id).toBe(before[0]!.id);
    expect(after[1]!.id).toBe(before[1]!.id);
    expect(after[2]!.id).not.toBe(before[2]!.id);
    expect(after.map((c) => edited.slice(c.start, c.end))).toEqual(after.map((c) => c.text));
  });

  it('name their document, even one with # in its id', () => {
    expect(docIdOf('faq.jsonl#L3#0123456789abcdef')).toBe('faq.jsonl#L3');
    expect(docIdOf('a/b.md#0123456789abcdef')).toBe('a/b.md');
  });
});

describe('normaliseText', () => {
  it('unifies line ends, drops a byte-order mark, composes characters', () => {
    expect(normaliseText('\uFEFFa\r\nb\rc')).toBe('a\nb\nc');
    expect(normaliseText('e\u0301')).toBe('\u00e9');
  });
});
