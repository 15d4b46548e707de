import { WandbInputError } from './errors.js';
import { encodeExtendedJson } from './json.js';
import type { RunRef } from './runs.js';
import type { CallOptions, WandbTransport } from './transport.js';

// The run data stream: POST /files/{entity}/{project}/{run}/file_stream. Every file line is placed
// by its offset ("set line N", not "append"), so re-sending a request never duplicates rows.

export const HISTORY_FILE = 'wandb-history.jsonl';
export const SUMMARY_FILE = 'wandb-summary.json';
/** W&B skips lines longer than this (10 MiB minus 100 KiB). */
const MAX_LINE_BYTES = 10 * 1024 * 1024 - 100 * 1024;

export interface HistoryRow {
  /** W&B `_step`. Rows with the same step merge into one line; a lower step than the last is dropped. */
  step: number;
  values: Record<string, unknown>;
  /** Unix seconds (`_timestamp`). Default: the stream's clock when the row is read. */
  timestamp?: number;
  /** Seconds since run start (`_runtime`). Default: timestamp − `startedAt`. */
  runtime?: number;
}

export interface FileStreamOptions {
  /** Lines per request (wandb-core sends up to ~10 MiB; the npm SDK 10,000 lines). */
  maxLinesPerPost?: number;
  maxBytesPerPost?: number;
  /** Unix seconds when the run started, for `_runtime`. Default: the first row's timestamp. */
  startedAt?: number;
  /** Line of the summary file to (over)write. 0 for runs we created. */
  summaryLine?: number;
  /** Millisecond clock; inject for reproducible timestamps. */
  now?: () => number;
}

export interface HistoryProgress {
  /** The first line not yet stored: persist it (e.g. as heartbeat details) to resume. */
  nextLine: number;
  linesSent: number;
  rowsRead: number;
}

export interface WriteHistoryOptions extends CallOptions {
  /** Line of the first row: the run's historyLineCount when this sync first started. Default 0. */
  firstLine?: number;
  /** Lines below this are already stored (server historyLineCount / last heartbeat): not re-sent. */
  resumeFromLine?: number;
  /** Called after each successful request: a good place for an activity heartbeat. */
  onProgress?: (progress: HistoryProgress) => void | Promise<void>;
}

export interface HistoryResult extends HistoryProgress {
  /** Last value of every key over all rows (skipped ones too): the default summary. */
  lastValues: Record<string, unknown>;
  /** Rows merged into the line of an equal step. */
  mergedRows: number;
  /** Rows dropped because their step was lower than an earlier one. */
  droppedRows: number;
  /** The server asked the run to stop (user pressed Stop in the UI). */
  stopped: boolean;
}

export interface FinishOptions extends CallOptions {
  exitCode: number;
  /** Final whole summary, written in the same request as `complete`. */
  summary?: Record<string, unknown>;
  /** Run files whose upload just finished (relative paths). */
  uploaded?: string[];
}

type FileChunk = { offset: number; content: string[] };
export interface FileStreamRequest {
  files?: Record<string, FileChunk>;
  uploaded?: string[];
  preempting?: boolean;
  complete?: boolean;
  exitcode?: number;
}

/** One run's file stream. Stateless apart from its options: safe to create per activity attempt. */
export class RunFileStream {
  readonly run: RunRef;
  readonly #t: WandbTransport;
  readonly #path: string;
  readonly #maxLines: number;
  readonly #maxBytes: number;
  readonly #summaryLine: number;
  readonly #now: () => number;
  readonly #startedAt?: number;

  constructor(t: WandbTransport, run: RunRef, options: FileStreamOptions = {}) {
    this.#t = t;
    this.run = run;
    this.#path = `/files/${[run.entity, run.project, run.runId].map(encodeURIComponent).join('/')}/file_stream`;
    this.#maxLines = options.maxLinesPerPost ?? 2_000;
    this.#maxBytes = options.maxBytesPerPost ?? 4 * 1024 * 1024;
    this.#summaryLine = options.summaryLine ?? 0;
    this.#now = options.now ?? Date.now;
    this.#startedAt = options.startedAt;
  }

  /** Send one raw request (retried by the transport with identical offsets). */
  async post(request: FileStreamRequest, options: CallOptions = {}): Promise<{ stopped: boolean }> {
    const answer = await this.#t.postJson(this.#path, request, 'file stream', options);
    return { stopped: answer.stopped === true };
  }

  /**
   * Stream history rows into lines `firstLine, firstLine+1, …`, batching requests. Memory stays flat
   * in the number of rows: only one pending line and one batch are held.
   */
  async writeHistory(
    rows: AsyncIterable<HistoryRow> | Iterable<HistoryRow>,
    options: WriteHistoryOptions = {},
  ): Promise<HistoryResult> {
    const firstLine = options.firstLine ?? 0;
    const resumeFrom = Math.max(firstLine, options.resumeFromLine ?? firstLine);
    const lastValues: Record<string, unknown> = {};
    let startedAt = this.#startedAt;
    let pending: Record<string, unknown> | undefined;
    let pendingStep = -1;
    let nextLine = firstLine;
    let batch: string[] = [];
    let batchStart = firstLine;
    let batchBytes = 0;
    let rowsRead = 0;
    let linesSent = 0;
    let mergedRows = 0;
    let droppedRows = 0;
    let stopped = false;

    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const answer = await this.post(
        { files: { [HISTORY_FILE]: { offset: batchStart, content: batch } } },
        options,
      );
      stopped ||= answer.stopped;
      linesSent += batch.length;
      const storedUpTo = batchStart + batch.length;
      batch = [];
      batchBytes = 0;
      await options.onProgress?.({ nextLine: storedUpTo, linesSent, rowsRead });
    };

    const emit = async (line: Record<string, unknown>): Promise<void> => {
      Object.assign(lastValues, line);
      const lineNo = nextLine++;
      if (lineNo < resumeFrom) return;
      const text = encodeExtendedJson(line);
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_LINE_BYTES) {
        throw new WandbInputError(
          `History step ${String(line._step)} serialises to ${bytes} bytes; W&B drops lines over ${MAX_LINE_BYTES}. Log smaller values.`,
        );
      }
      if (
        batch.length > 0 &&
        (batch.length >= this.#maxLines || batchBytes + bytes > this.#maxBytes)
      ) {
        await flush();
      }
      if (batch.length === 0) batchStart = lineNo;
      batch.push(text);
      batchBytes += bytes;
    };

    for await (const row of rows) {
      rowsRead++;
      if (!Number.isInteger(row.step) || row.step < 0) {
        throw new WandbInputError(
          `History step must be a non-negative integer, got ${row.step} (row ${rowsRead}).`,
        );
      }
      const timestamp = row.timestamp ?? this.#now() / 1000;
      startedAt ??= timestamp;
      const runtime = row.runtime ?? Math.max(0, timestamp - startedAt);
      const stamped = { ...row.values, _step: row.step, _runtime: runtime, _timestamp: timestamp };
      if (pending && row.step === pendingStep) {
        pending = { ...pending, ...stamped };
        mergedRows++;
      } else if (pending && row.step < pendingStep) {
        droppedRows++;
      } else {
        if (pending) await emit(pending);
        pending = stamped;
        pendingStep = row.step;
      }
    }
    if (pending) await emit(pending);
    await flush();
    return { nextLine, linesSent, rowsRead, lastValues, mergedRows, droppedRows, stopped };
  }

  /** Write the whole summary as one line (the server reads the last line of the summary file). */
  async writeSummary(
    summary: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<{ stopped: boolean }> {
    return this.post({ files: this.#summaryChunk(summary) }, options);
  }

  /** Tell the server these run files finished uploading. */
  async reportUploaded(paths: string[], options: CallOptions = {}): Promise<{ stopped: boolean }> {
    return this.post({ uploaded: paths }, options);
  }

  /** An empty request: keeps an idle run from being marked crashed (wandb-core sends one every 30 s). */
  async heartbeat(options: CallOptions = {}): Promise<{ stopped: boolean }> {
    return this.post({}, options);
  }

  /** Last request of a run: `complete` + exit code (0 → finished, non-zero → failed). */
  async finish(options: FinishOptions): Promise<{ stopped: boolean }> {
    if (!Number.isInteger(options.exitCode)) {
      throw new WandbInputError(`Exit code must be an integer, got ${options.exitCode}.`);
    }
    const request: FileStreamRequest = { complete: true, exitcode: options.exitCode };
    if (options.summary) request.files = this.#summaryChunk(options.summary);
    if (options.uploaded && options.uploaded.length > 0) request.uploaded = options.uploaded;
    return this.post(request, options);
  }

  #summaryChunk(summary: Record<string, unknown>): Record<string, FileChunk> {
    return {
      [SUMMARY_FILE]: { offset: this.#summaryLine, content: [encodeExtendedJson(summary)] },
    };
  }
}

/**
 * The summary W&B would show: last value of every history key, overridden by explicit keys, plus
 * `_wandb.runtime` (whole seconds) as wandb-core maintains it.
 */
export function summaryFromHistory(
  lastValues: Record<string, unknown>,
  explicit: Record<string, unknown> = {},
): Record<string, unknown> {
  const summary: Record<string, unknown> = { ...lastValues, ...explicit };
  const runtime = summary._runtime;
  if (typeof runtime === 'number' && Number.isFinite(runtime) && summary._wandb === undefined) {
    summary._wandb = { runtime: Math.floor(runtime) };
  }
  return summary;
}
