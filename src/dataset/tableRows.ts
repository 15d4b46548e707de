import type { ExampleView } from './formats/index.js';
import { isRecord, type JsonObject } from './json.js';
import { LineChecker } from './lineChecker.js';
import { JsonlLineReader } from './lineReader.js';
import { modelFacts } from './models.js';
import {
  assistantCell,
  jsonCell,
  leadingSystemText,
  messagesOf,
  textCell,
  type TableCell,
} from './tableCells.js';
import { countExampleTokens, loadTokenCounter, type TokenCounter } from './tokens.js';
import type { FineTuneMethodType } from '../shared/types.js';
import type { DatasetFormat } from './types.js';

export type { TableCell } from './tableCells.js';
export { legacyTableRows, LEGACY_TABLE_COLUMNS, LegacyTableError } from './legacyTable.js';
export type TableRow = TableCell[];

/*
 * Columns of the W&B Table built from a dataset, per format. Every non-blank line becomes one
 * row — a line that fails validation too, with the reason in `error` and what could be read in
 * the other cells — so a table is never silently shorter than the file. `line` is the 1-based
 * line number. Cells holding structure are real JSON text; base64 images are shortened.
 *
 * chat:          line, system (leading system/developer text), conversation (JSON of every other
 *                message except the final user turn and the final assistant reply), final_user,
 *                assistant (final reply text, plus its tool calls as JSON), tools (JSON),
 *                n_messages, tokens, error
 * completion:    line, prompt, completion, tokens, error
 * dpo:           line, system, input (JSON of input.messages), preferred, non_preferred, tokens, error
 * reinforcement: line, messages (JSON), tools (JSON), reference (JSON of every other field —
 *                what graders see as {{item.*}}), tokens, error
 * unknown:       line, json (the raw line), error
 *
 * `tokens` follows the same cookbook count as the validation report.
 */
const COLUMNS: Record<DatasetFormat, readonly string[]> = {
  chat: [
    'line',
    'system',
    'conversation',
    'final_user',
    'assistant',
    'tools',
    'n_messages',
    'tokens',
    'error',
  ],
  completion: ['line', 'prompt', 'completion', 'tokens', 'error'],
  dpo: ['line', 'system', 'input', 'preferred', 'non_preferred', 'tokens', 'error'],
  reinforcement: ['line', 'messages', 'tools', 'reference', 'tokens', 'error'],
  unknown: ['line', 'json', 'error'],
};

export function tableColumns(format: DatasetFormat): string[] {
  return [...COLUMNS[format]];
}

export interface TableRowsOptions {
  /** Rows to emit at most; the rest of the file is still counted. */
  maxRows?: number;
  /** Chooses the tokenizer for `tokens` (default: o200k_base, the current models' encoding). */
  model?: string;
  signal?: AbortSignal;
}

export interface TableRowsSummary {
  /** Non-blank lines in the file: the artifact's `items`. */
  records: number;
  emitted: number;
  /** Rows whose `error` cell is set. */
  invalid: number;
  truncated: boolean;
}

const METHOD_OF: Record<DatasetFormat, FineTuneMethodType> = {
  chat: 'supervised',
  completion: 'supervised',
  dpo: 'dpo',
  reinforcement: 'reinforcement',
  unknown: 'supervised',
};

/** Streams table rows; the generator's return value is the summary. */
export async function* datasetTableRows(
  path: string,
  format: DatasetFormat,
  opts: TableRowsOptions = {},
): AsyncGenerator<TableRow, TableRowsSummary> {
  const model = opts.model ?? 'gpt-4.1-2025-04-14';
  const counter = await loadTokenCounter(modelFacts(model).encoding);
  const checker = new LineChecker(METHOD_OF[format], model, format);
  const reader = new JsonlLineReader(path, { signal: opts.signal });
  const summary: TableRowsSummary = { records: 0, emitted: 0, invalid: 0, truncated: false };
  const maxRows = opts.maxRows ?? Infinity;
  for await (const line of reader.read()) {
    if (line.text !== undefined && line.text.trim() === '') continue;
    summary.records++;
    if (summary.emitted >= maxRows) {
      summary.truncated = true;
      continue;
    }
    let row: TableRow;
    if (line.text === undefined) {
      row = errorRow(
        format,
        line.number,
        line.problem === 'too-long' ? 'line too long' : 'not UTF-8',
      );
    } else if (format === 'unknown') {
      row = [line.number, line.text, null];
    } else {
      const result = checker.check(line.text, line.number);
      const error = result.errors.length > 0 ? result.errors.join('; ') : null;
      row = result.parsed
        ? buildRow(format, line.number, result.parsed, tokensOf(counter, result.view), error)
        : errorRow(format, line.number, error ?? 'unreadable', line.text);
    }
    if (row[row.length - 1] !== null) summary.invalid++;
    summary.emitted++;
    yield row;
  }
  return summary;
}

function tokensOf(counter: TokenCounter, view: ExampleView | undefined): TableCell {
  return view ? countExampleTokens(counter, view).total : null;
}

function errorRow(format: DatasetFormat, line: number, error: string, raw?: string): TableRow {
  const row: TableRow = COLUMNS[format].map(() => null);
  row[0] = line;
  if (format === 'unknown' && raw !== undefined) row[1] = raw;
  row[row.length - 1] = error;
  return row;
}

function buildRow(
  format: DatasetFormat,
  line: number,
  obj: JsonObject,
  tokens: TableCell,
  error: string | null,
): TableRow {
  switch (format) {
    case 'chat':
      return [line, ...chatCells(obj), tokens, error];
    case 'completion':
      return [line, textCell(obj.prompt), textCell(obj.completion), tokens, error];
    case 'dpo':
      return [line, ...dpoCells(obj), tokens, error];
    case 'reinforcement': {
      const { messages, tools, ...reference } = obj;
      return [line, jsonCell(messages), jsonCell(tools), jsonCell(reference), tokens, error];
    }
    case 'unknown':
      return [line, JSON.stringify(obj), error];
  }
}

/** system, conversation, final_user, assistant, tools, n_messages */
function chatCells(obj: JsonObject): TableCell[] {
  const messages = messagesOf(obj.messages);
  const system = leadingSystemText(messages);
  const lastAssistant = messages.map((m) => m.role).lastIndexOf('assistant');
  const beforeReply = lastAssistant < 0 ? messages.length : lastAssistant;
  const finalUser = messages
    .slice(0, beforeReply)
    .map((m) => m.role)
    .lastIndexOf('user');
  const rest = messages.filter(
    (_, i) => i >= system.count && i !== finalUser && i !== lastAssistant,
  );
  const tools = obj.tools ?? obj.functions;
  return [
    system.text,
    rest.length > 0 ? jsonCell(rest) : null,
    finalUser >= 0 ? textCell(messages[finalUser]?.content) : null,
    assistantCell(messages[lastAssistant]),
    jsonCell(tools),
    Array.isArray(obj.messages) ? obj.messages.length : null,
  ];
}

/** system, input, preferred, non_preferred */
function dpoCells(obj: JsonObject): TableCell[] {
  const input = isRecord(obj.input) ? obj.input : {};
  const messages = messagesOf(input.messages);
  const output = (value: unknown) =>
    assistantCell(Array.isArray(value) && isRecord(value[0]) ? value[0] : undefined);
  return [
    leadingSystemText(messages).text,
    jsonCell(input.messages),
    output(obj.preferred_output),
    output(obj.non_preferred_output),
  ];
}
