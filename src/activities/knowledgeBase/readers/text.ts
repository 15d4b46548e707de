import { readFile } from 'node:fs/promises';
import type { DocumentReader } from './types.js';

/** Plain text, as it is. */
export const textReader: DocumentReader = {
  format: 'text',
  extensions: ['.txt', '.text'],
  async *read(path, id) {
    yield { id, source: path, format: 'text', text: await readFile(path, 'utf8') };
  },
};
