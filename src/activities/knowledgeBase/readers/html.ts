import { readFile } from 'node:fs/promises';
import { convert } from 'html-to-text';
import type { DocumentReader } from './types.js';

/** HTML as readable text (headings, lists and tables kept as lines); links keep their words only. */
export function htmlToText(html: string): { text: string; title?: string } {
  const text = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
    ],
  });
  const rawTitle = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const title = rawTitle ? convert(rawTitle, { wordwrap: false }).trim() : undefined;
  return title ? { text, title } : { text };
}

export const htmlReader: DocumentReader = {
  format: 'html',
  extensions: ['.html', '.htm'],
  async *read(path, id) {
    const { text, title } = htmlToText(await readFile(path, 'utf8'));
    yield { id, source: path, format: 'html', text, ...(title ? { title } : {}) };
  },
};
