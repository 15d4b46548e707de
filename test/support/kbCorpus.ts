import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A generated corpus for the knowledge base's tests and `npm run bench:kb`: Markdown documents of
// a few paragraphs, each document with topic words of its own among common ones, and a golden set
// asking about each topic. Deterministic for a seed. The emulator's vectors are lexical, so a
// question sharing a document's topic words finds that document: retrieval scores mean something.

export interface GeneratedCorpus {
  dir: string;
  ids: string[];
  /** The topic words of each document, by id. */
  topics: Map<string, string[]>;
}

/** A small, fast, seeded PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tor',
  'va',
  'shu',
  'pel',
  'dri',
  'no',
  'zan',
  'qui',
  'bex',
  'ul',
  'fa',
  'gor',
  'hin',
  'jop',
  'wex',
  'yul',
];

function word(rand: () => number, syllables: number): string {
  let w = '';
  for (let i = 0; i < syllables; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
  return w;
}

const COMMON_SIZE = 1500;

function commonWords(): string[] {
  const rand = seeded(7);
  const words = new Set<string>();
  while (words.size < COMMON_SIZE) words.add(word(rand, 2 + Math.floor(rand() * 2)));
  return [...words];
}

function sentence(rand: () => number, common: string[], topic: string[]): string {
  const n = 8 + Math.floor(rand() * 10);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    words.push(
      rand() < 0.12
        ? topic[Math.floor(rand() * topic.length)]!
        : common[Math.floor(rand() * common.length)]!,
    );
  }
  const s = words.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

function paragraph(rand: () => number, common: string[], topic: string[]): string {
  const n = 4 + Math.floor(rand() * 5);
  return Array.from({ length: n }, () => sentence(rand, common, topic)).join(' ');
}

export const docPath = (i: number): string =>
  `topic-${String(Math.floor(i / 100)).padStart(3, '0')}/doc-${String(i).padStart(5, '0')}.md`;

/** Writes `documents` Markdown files under `dir` (folders of 100); about `paragraphs` each. */
export function generateCorpus(
  dir: string,
  o: { documents: number; paragraphs?: number; seed?: number },
): GeneratedCorpus {
  const common = commonWords();
  const rand = seeded(o.seed ?? 1);
  const ids: string[] = [];
  const topics = new Map<string, string[]>();
  const used = new Set(common);
  for (let i = 0; i < o.documents; i++) {
    const topic: string[] = [];
    while (topic.length < 3) {
      const w = word(rand, 4);
      if (!used.has(w)) {
        used.add(w);
        topic.push(w);
      }
    }
    const id = docPath(i);
    const paragraphs = Array.from({ length: o.paragraphs ?? 6 }, () =>
      paragraph(rand, common, topic),
    );
    const text = `# About ${topic.join(' ')}\n\n${paragraphs.join('\n\n')}\n`;
    mkdirSync(join(dir, id, '..'), { recursive: true });
    writeFileSync(join(dir, id), text);
    ids.push(id);
    topics.set(id, topic);
  }
  return { dir, ids, topics };
}

/** One question per document of a sample: its topic words, labelled with the document. */
export function goldenLines(corpus: GeneratedCorpus, questions: number, seed = 3): string {
  const rand = seeded(seed);
  const picked = new Set<string>();
  while (picked.size < Math.min(questions, corpus.ids.length)) {
    picked.add(corpus.ids[Math.floor(rand() * corpus.ids.length)]!);
  }
  return (
    [...picked]
      .map((id) =>
        JSON.stringify({
          question: `What is ${corpus.topics.get(id)!.join(' and ')}?`,
          relevant: [id],
        }),
      )
      .join('\n') + '\n'
  );
}

/**
 * Edits a share of the documents in place: one sentence appended to their middle paragraph (a
 * local edit, as real updates mostly are). Returns the edited ids.
 */
export function editDocuments(corpus: GeneratedCorpus, share: number, seed = 11): string[] {
  const rand = seeded(seed);
  const n = Math.max(1, Math.round(corpus.ids.length * share));
  const edited = new Set<string>();
  while (edited.size < n) edited.add(corpus.ids[Math.floor(rand() * corpus.ids.length)]!);
  for (const id of edited) {
    const path = join(corpus.dir, id);
    const parts = readFileSync(path, 'utf8').split('\n\n');
    const mid = Math.floor(parts.length / 2);
    parts[mid] = `${parts[mid]} This paragraph was revised on review ${Math.floor(rand() * 1000)}.`;
    writeFileSync(path, parts.join('\n\n'));
  }
  return [...edited].sort();
}
