import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WandbInputError } from '../errors.js';
import { encodeExtendedJson } from '../json.js';

// W&B Table files, written row by row to a temp file so no table is ever held in memory.
// "artifact" format: {_type:"table", column_types, columns, data, log_mode, ncols, nrows} (keys
// sorted, as the Python SDK writes them). "run-media" format (media/table/*.table.json): {columns, data}.

export type TableColumnType = 'string' | 'number' | 'boolean';

export interface TableColumn {
  name: string;
  type: TableColumnType;
  /** Cells may be null (W&B type union(none, T)). Default true, as Python infers for sparse data. */
  optional?: boolean;
}

export interface TableWriterOptions {
  columns: TableColumn[];
  format?: 'artifact' | 'run-media';
  /** Rows beyond this are counted but not written. Default 200,000 (artifact) / 10,000 (run media). */
  maxRows?: number;
  /** Directory for the temp file (default: the OS temp dir). */
  dir?: string;
}

export interface TableFile {
  /** Temp file holding the table; upload it, then delete it (or call `discard`). */
  localPath: string;
  size: number;
  /** Base64 MD5 (artifact manifest digest). */
  md5: string;
  sha256: string;
  ncols: number;
  /** Rows written to the file. */
  nrows: number;
  /** Rows offered, including those over `maxRows`. */
  rowsSeen: number;
  truncated: boolean;
}

/** W&B's type descriptor for the columns (TypedDict of per-column types). */
export function columnTypesDescriptor(columns: TableColumn[]): Record<string, unknown> {
  const typeMap: Record<string, unknown> = {};
  for (const c of columns) {
    const base = { wb_type: c.type };
    typeMap[c.name] =
      c.optional === false
        ? base
        : { params: { allowed_types: [{ wb_type: 'none' }, base] }, wb_type: 'union' };
  }
  return { params: { type_map: typeMap }, wb_type: 'typedDict' };
}

export class TableFileWriter {
  readonly #columns: TableColumn[];
  readonly #format: 'artifact' | 'run-media';
  readonly #maxRows: number;
  readonly #path: string;
  readonly #out: WriteStream;
  readonly #md5: Hash = createHash('md5');
  readonly #sha256: Hash = createHash('sha256');
  #size = 0;
  #written = 0;
  #seen = 0;
  #closed = false;

  private constructor(options: TableWriterOptions) {
    if (options.columns.length === 0)
      throw new WandbInputError('A W&B Table needs at least one column.');
    const names = new Set(options.columns.map((c) => c.name));
    if (names.size !== options.columns.length)
      throw new WandbInputError('W&B Table column names must be unique.');
    this.#columns = options.columns;
    this.#format = options.format ?? 'artifact';
    this.#maxRows = options.maxRows ?? (this.#format === 'artifact' ? 200_000 : 10_000);
    this.#path = join(options.dir ?? tmpdir(), `wandb-table-${randomUUID()}.table.json`);
    this.#out = createWriteStream(this.#path);
  }

  static async open(options: TableWriterOptions): Promise<TableFileWriter> {
    const writer = new TableFileWriter(options);
    await once(writer.#out, 'open');
    const columns = JSON.stringify(writer.#columns.map((c) => c.name));
    const head =
      writer.#format === 'artifact'
        ? `{"_type":"table","column_types":${JSON.stringify(columnTypesDescriptor(writer.#columns))},"columns":${columns},"data":[`
        : `{"columns":${columns},"data":[`;
    await writer.#write(head);
    return writer;
  }

  /** Append one row; cells must match the declared column types (null only for optional ones). */
  async addRow(cells: readonly unknown[]): Promise<void> {
    if (this.#closed) throw new WandbInputError('This table file is already closed.');
    this.#seen++;
    if (cells.length !== this.#columns.length) {
      throw new WandbInputError(
        `Table row ${this.#seen} has ${cells.length} cells; the table has ${this.#columns.length} columns.`,
      );
    }
    cells.forEach((cell, i) => this.#check(cell, this.#columns[i]!));
    if (this.#written >= this.#maxRows) return;
    await this.#write(`${this.#written === 0 ? '' : ','}${encodeExtendedJson(cells)}`);
    this.#written++;
  }

  async close(): Promise<TableFile> {
    if (this.#closed) throw new WandbInputError('This table file is already closed.');
    this.#closed = true;
    const ncols = this.#columns.length;
    await this.#write(
      this.#format === 'artifact'
        ? `],"log_mode":"IMMUTABLE","ncols":${ncols},"nrows":${this.#written}}`
        : ']}',
    );
    this.#out.end();
    await once(this.#out, 'finish');
    return {
      localPath: this.#path,
      size: this.#size,
      md5: this.#md5.digest('base64'),
      sha256: this.#sha256.digest('hex'),
      ncols,
      nrows: this.#written,
      rowsSeen: this.#seen,
      truncated: this.#seen > this.#written,
    };
  }

  /** Abandon the table and delete its temp file. */
  async discard(): Promise<void> {
    this.#closed = true;
    if (!this.#out.destroyed) {
      this.#out.on('error', () => undefined); // pending writes fail on destroy; we are throwing them away
      const closed = once(this.#out, 'close');
      this.#out.destroy();
      await closed;
    }
    await rm(this.#path, { force: true });
  }

  /** Where the table is being written. */
  get localPath(): string {
    return this.#path;
  }

  #check(cell: unknown, column: TableColumn): void {
    if (cell === null || cell === undefined) {
      if (column.optional === false)
        throw new WandbInputError(
          `Table column "${column.name}" does not allow empty cells (row ${this.#seen}).`,
        );
      return;
    }
    if (typeof cell !== column.type) {
      throw new WandbInputError(
        `Table column "${column.name}" holds ${column.type}s; row ${this.#seen} has a ${typeof cell}.`,
      );
    }
  }

  async #write(text: string): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    this.#md5.update(buf);
    this.#sha256.update(buf);
    this.#size += buf.length;
    if (!this.#out.write(buf)) await once(this.#out, 'drain');
  }
}

/** The history value that points at a run-media table file (`_type: "table-file"`). */
export interface TableFileRef {
  _type: 'table-file';
  path: string;
  sha256: string;
  size: number;
  ncols: number;
  nrows: number;
  log_mode: 'IMMUTABLE';
}

/** Where the Python SDK puts a table logged under `key` at `step`, inside the run's files. */
export function runMediaTablePath(key: string, step: number, sha256: string): string {
  return `media/table/${key}_${step}_${sha256.slice(0, 20)}.table.json`;
}

export function tableFileRef(file: TableFile, runFilePath: string): TableFileRef {
  return {
    _type: 'table-file',
    path: runFilePath,
    sha256: file.sha256,
    size: file.size,
    ncols: file.ncols,
    nrows: file.nrows,
    log_mode: 'IMMUTABLE',
  };
}
