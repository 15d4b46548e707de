import { invalidRequest } from './errors.js';

/**
 * One page of a newest-first list with cursor pagination, as the API does it: `after` is the id
 * of the last item of the previous page. An unknown cursor yields an empty page.
 */
export function cursorPage<T extends { id: string }>(
  newestFirst: readonly T[],
  after: string | undefined,
  limit: number,
): { data: T[]; has_more: boolean } {
  let start = 0;
  if (after !== undefined) {
    const at = newestFirst.findIndex((item) => item.id === after);
    if (at < 0) return { data: [], has_more: false };
    start = at + 1;
  }
  const data = newestFirst.slice(start, start + limit);
  return { data, has_more: start + limit < newestFirst.length };
}

/** Reads `limit` from a query string: an integer in [1, max], else a 400 naming the parameter. */
export function parseLimit(raw: unknown, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalidRequest(
      `Invalid 'limit': expected an integer between 1 and ${max}, got ${JSON.stringify(raw)}.`,
      'limit',
      'integer_out_of_range',
    );
  }
  return n;
}

export function queryString(raw: unknown, name: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string')
    throw invalidRequest(`Invalid '${name}': expected a single value.`, name);
  return raw;
}
