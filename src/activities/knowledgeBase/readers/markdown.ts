import { readFile } from 'node:fs/promises';
import type { DocumentReader } from './types.js';

/** A leading YAML front-matter block: metadata, not content. */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Markdown, as it is (embeddings read it well), minus front matter; the title from it or `# …`. */
export function parseMarkdown(raw: string): { text: string; title?: string } {
  const front = FRONT_MATTER.exec(raw);
  const text = front ? raw.slice(front[0].length) : raw;
  const fromFront = front?.[1]?.match(/^title:[ \t]*["']?(.+?)["']?[ \t]*$/m)?.[1];
  const heading = text.match(/^#[ \t]+(.+?)[ \t#]*$/m)?.[1];
  const title = fromFront ?? heading;
  return title ? { text, title } : { text };
}

export const markdownReader: DocumentReader = {
  format: 'markdown',
  extensions: ['.md', '.markdown', '.mdx'],
  async *read(path, id) {
    const { text, title } = parseMarkdown(await readFile(path, 'utf8'));
    yield { id, source: path, format: 'markdown', text, ...(title ? { title } : {}) };
  },
};
