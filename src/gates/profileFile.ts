import { LineChecker } from '../dataset/lineChecker.js';
import { JsonlLineReader } from '../dataset/lineReader.js';
import { modelFacts } from '../dataset/models.js';
import { countExampleTokens, loadTokenCounter } from '../dataset/tokens.js';
import type { FineTuneMethodType } from '../shared/types.js';
import type { DatasetProfile } from '../shared/promotionTypes.js';
import { ProfileBuilder } from './profile.js';

// Reads a file, so it uses Node built-ins: activity code only, never re-exported by index.ts.

export interface ProfileDatasetOptions {
  /** Chooses the tokenizer, as in validation. */
  model: string;
  method: FineTuneMethodType;
  signal?: AbortSignal;
  /** Called at most about once per `progressIntervalMs` (default 1000) while the file is read. */
  onProgress?: (p: { bytesRead: number; lines: number }) => void;
  progressIntervalMs?: number;
}

/**
 * Profiles a JSONL dataset in one streamed pass: the same reader, format detection, checks and
 * token count as `validateDatasetFile`, so `examples` equals the report's `examples` (lines that
 * pass every check). Memory holds one chunk plus one line. Rejects with the signal's reason.
 */
export async function profileDatasetFile(
  path: string,
  opts: ProfileDatasetOptions,
): Promise<DatasetProfile> {
  const counter = await loadTokenCounter(modelFacts(opts.model).encoding);
  const reader = new JsonlLineReader(path, {
    signal: opts.signal,
    onProgress: opts.onProgress,
    progressIntervalMs: opts.progressIntervalMs,
  });
  const checker = new LineChecker(opts.method, opts.model);
  const builder = new ProfileBuilder();
  for await (const line of reader.read()) {
    if (line.text === undefined || line.text.trim() === '') continue;
    const result = checker.check(line.text, line.number);
    if (result.view && result.errors.length === 0) {
      builder.add(result.view, countExampleTokens(counter, result.view));
    }
  }
  return builder.build();
}
