import { extname } from 'node:path';
import { htmlReader } from './html.js';
import { jsonlReader } from './jsonl.js';
import { markdownReader } from './markdown.js';
import { textReader } from './text.js';
import type { DocumentReader } from './types.js';

export type { DocumentReader, ReadProblem, SourceDocument } from './types.js';

/** Every format the knowledge base reads. A new format: a reader file and its line here. */
export const READERS: readonly DocumentReader[] = [
  markdownReader,
  textReader,
  htmlReader,
  jsonlReader,
];

/** The reader for a file by its extension, or undefined (the file is skipped and listed). */
export function readerFor(path: string): DocumentReader | undefined {
  const ext = extname(path).toLowerCase();
  return READERS.find((r) => r.extensions.includes(ext));
}

export const SUPPORTED_EXTENSIONS = READERS.flatMap((r) => r.extensions);
