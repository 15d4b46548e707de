import { parseObjectLine } from './extendedJson.js';
import { SUMMARY_FILE, UserInputError, type RunRecord } from './runs.js';

/** The body of `POST /files/{entity}/{project}/{run}/file_stream`. */
export interface FileStreamBody {
  files?: Record<string, { offset?: number; content?: unknown[] }>;
  uploaded?: unknown[];
  complete?: boolean;
  exitcode?: number | null;
  preempting?: boolean;
}

/**
 * Applies one file-stream request. Lines are "set line N" (`file[offset + i] = line`), never
 * "append", so a retried request that re-sends the same offsets changes nothing.
 */
export function applyFileStream(run: RunRecord, body: FileStreamBody): void {
  for (const [name, chunk] of Object.entries(body.files ?? {})) {
    const offset = chunk.offset ?? 0;
    const content = chunk.content ?? [];
    if (!Number.isInteger(offset) || offset < 0) {
      throw new UserInputError(
        `files["${name}"].offset must be a non-negative integer line number`,
      );
    }
    if (!Array.isArray(content) || content.some((line) => typeof line !== 'string')) {
      throw new UserInputError(`files["${name}"].content must be a list of strings (one per line)`);
    }
    let lines = run.streams.get(name);
    if (!lines) {
      lines = [];
      run.streams.set(name, lines);
    }
    content.forEach((line, i) => {
      lines[offset + i] = line as string;
    });
    if (name === SUMMARY_FILE && content.length > 0) {
      // The summary is always the whole object; the last line sent wins.
      const summary = parseObjectLine(content[content.length - 1] as string);
      if (!summary) throw new UserInputError('the wandb-summary.json line must be one JSON object');
      run.summary = summary;
    }
  }
  for (const path of body.uploaded ?? []) {
    if (typeof path === 'string') run.reportedUploaded.add(path);
  }
  // Preempting lasts until the next request: any later traffic shows the process is alive.
  run.preempting = body.preempting === true;
  if (run.complete && body.complete !== true) {
    // Streaming again after completion: a new session (re-init of the same run id) is running.
    // wandb-core sends one request at a time, so a late retry cannot arrive after `complete`.
    run.complete = false;
    run.exitcode = null;
  }
  if (body.complete === true) {
    run.complete = true;
    run.exitcode = typeof body.exitcode === 'number' ? body.exitcode : 0;
  }
  run.heartbeatAt = new Date();
}
