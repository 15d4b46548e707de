// Small helpers for describing untrusted JSON in error messages.

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a string", "an array", "null", … — for messages such as `content is a number`. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'missing';
  return `a ${typeof value}`;
}

/** Shows a user-supplied value in a message (strings quoted), cut short so one bad line cannot bloat the report. */
export function quote(value: unknown, max = 40): string {
  const cut = (text: string) => (text.length > max ? `${text.slice(0, max)}…` : text);
  return typeof value === 'string'
    ? JSON.stringify(cut(value))
    : cut(String(JSON.stringify(value)));
}

/** Findings for one line; messages carry no "line N:" prefix (the caller adds it). */
export interface LineFindings {
  errors: string[];
  warnings: string[];
}
