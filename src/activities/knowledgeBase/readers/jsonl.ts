import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DocumentReader, SourceDocument } from './types.js';

/** Where a line keeps its text: the first of these fields that is a string. */
const TEXT_FIELDS = ['text', 'content', 'page_content', 'body'] as const;

/**
 * One line to a document: `{"id": "faq-12", "text": "…", "title": "…"}`. The id is the line's own
 * (`id`, a string or number) or, when it has none, `<file id>#L<line>`; the text is `text`,
 * `content`, `page_content` or `body`. Returns a reason instead when the line cannot be one.
 */
export function parseJsonlDocument(
  line: string,
  lineNumber: number,
  fileId: string,
  source: string,
): SourceDocument | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const text = TEXT_FIELDS.map((f) => record[f]).find((v) => typeof v === 'string');
  if (typeof text !== 'string') return `no text (a string in ${TEXT_FIELDS.join(', ')})`;
  const rawId = record.id;
  const id =
    typeof rawId === 'string' && rawId.trim()
      ? rawId.trim()
      : typeof rawId === 'number' && Number.isFinite(rawId)
        ? String(rawId)
        : `${fileId}#L${lineNumber}`;
  const title = typeof record.title === 'string' ? record.title : undefined;
  return { id, source: source, format: 'jsonl', text, ...(title ? { title } : {}) };
}

/** Many documents per file, one per line (blank lines skipped). */
export const jsonlReader: DocumentReader = {
  format: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  async *read(path, id, onProblem) {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      const doc = parseJsonlDocument(line, n, id, path);
      if (typeof doc === 'string') onProblem({ path: `${path}:${n}`, reason: doc });
      else yield doc;
    }
  },
};
