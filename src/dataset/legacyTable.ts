import { isRecord } from './json.js';
import { JsonlLineReader } from './lineReader.js';

/** The Python `WandbLogger`'s table layout, kept for parity checks. */
export const LEGACY_TABLE_COLUMNS = ['role: system', 'role: user', 'role: assistant'] as const;

export class LegacyTableError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}; the legacy table takes exactly 3 text messages per line`);
    this.name = 'LegacyTableError';
  }
}

export interface LegacyTable {
  columns: string[];
  rows: (string | null)[][];
  /** Number of records, which the Python logger stores as `items` / `n_train`. */
  items: number;
}

/**
 * Rebuilds the Python logger's table: row = contents of messages 0, 1 and 2 by position (roles
 * unchecked), and any line that does not fit fails the whole table, as there. Holds all rows in
 * memory like the original; use `datasetTableRows` for anything real.
 */
export async function legacyTableRows(
  path: string,
  opts: { signal?: AbortSignal } = {},
): Promise<LegacyTable> {
  const rows: (string | null)[][] = [];
  const reader = new JsonlLineReader(path, { signal: opts.signal });
  for await (const line of reader.read()) {
    if (line.text === undefined) throw new LegacyTableError(line.number, 'unreadable line');
    if (line.text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.text);
    } catch {
      throw new LegacyTableError(line.number, 'not valid JSON');
    }
    const messages = isRecord(parsed) ? parsed.messages : undefined;
    if (!Array.isArray(messages) || messages.length !== 3)
      throw new LegacyTableError(line.number, 'no list of exactly 3 "messages"');
    rows.push(
      messages.map((m, i) => {
        const content = isRecord(m) ? m.content : undefined;
        if (typeof content === 'string' || content === null) return content;
        throw new LegacyTableError(line.number, `message ${i + 1} has no text content`);
      }),
    );
  }
  return { columns: [...LEGACY_TABLE_COLUMNS], rows, items: rows.length };
}
