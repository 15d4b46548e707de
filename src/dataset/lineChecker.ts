import {
  CHECKERS,
  detectFormat,
  expectedFormats,
  lineMismatchMessage,
  methodMismatchMessage,
  sameFamily,
  unknownShapeMessage,
  type CheckerState,
  type ExampleView,
} from './formats/index.js';
import { describeType, isRecord, type JsonObject } from './json.js';
import type { FineTuneMethodType } from '../shared/types.js';
import type { DatasetFormat } from './types.js';

export interface LineResult {
  /** The parsed object, when the line is a JSON object. */
  parsed?: JsonObject;
  /** What could be read of the example, even if it has errors. */
  view?: ExampleView;
  errors: string[];
  warnings: string[];
}

/**
 * Checks one non-blank line at a time. The file's format is fixed by the first recognisable line
 * (or given up front); later lines are checked against it, so one stray line in another format
 * is named as such instead of producing a cascade of field errors.
 */
export class LineChecker {
  format: DatasetFormat;
  formatLine = 0;
  private readonly state: CheckerState = {};

  constructor(
    private readonly method: FineTuneMethodType,
    private readonly model: string,
    presetFormat?: DatasetFormat,
  ) {
    this.format = presetFormat ?? 'unknown';
  }

  check(text: string, lineNumber: number): LineResult {
    const result: LineResult = { errors: [], warnings: [] };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      const reason = err instanceof Error ? err.message.slice(0, 120) : 'parse error';
      result.errors.push(
        `is not valid JSON (${reason}); each line must be one complete JSON object`,
      );
      return result;
    }
    if (!isRecord(parsed)) {
      result.errors.push(
        `is ${describeType(parsed)}, not a JSON object; each line must be one example object`,
      );
      return result;
    }
    result.parsed = parsed;
    const lineFormat = detectFormat(parsed, this.method);
    if (this.format === 'unknown') {
      if (lineFormat === 'unknown') {
        result.errors.push(unknownShapeMessage(this.method, this.model));
        return result;
      }
      this.format = lineFormat;
      this.formatLine = lineNumber;
      if (!expectedFormats(this.method, this.model).includes(lineFormat)) {
        result.errors.push(methodMismatchMessage(lineFormat, parsed, this.method, this.model));
      }
    } else if (!sameFamily(lineFormat, this.format)) {
      result.errors.push(lineMismatchMessage(lineFormat, this.format, this.formatLine));
      return result;
    }
    const view = CHECKERS[this.format](parsed, lineNumber, this.state, result);
    if (view) result.view = view;
    return result;
  }
}
