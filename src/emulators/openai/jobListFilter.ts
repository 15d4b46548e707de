import type { JobRecord } from './records.js';

/**
 * OpenAI's `GET /v1/fine_tuning/jobs` filter: `metadata[key]=value` pairs as the SDK encodes them
 * (brackets); `metadata=null` asks for jobs without metadata.
 */
export function metadataFilter(
  query: Record<string, unknown>,
): ((job: JobRecord) => boolean) | undefined {
  // The SDK encodes `metadata: null` as an empty value.
  if (query.metadata === 'null' || query.metadata === '')
    return (job) => !job.metadata || Object.keys(job.metadata).length === 0;
  const pairs = Object.entries(query).flatMap(([key, value]) => {
    const m = /^metadata\[(.+)\]$/.exec(key);
    return m ? [[m[1]!, String(value)] as const] : [];
  });
  if (pairs.length === 0) return undefined;
  return (job) => pairs.every(([k, v]) => job.metadata?.[k] === v);
}

/** Records in list order, from a list kept oldest first. */
export function inListOrder<T>(
  oldestFirst: readonly T[],
  order: 'newest-first' | 'oldest-first',
): T[] {
  return order === 'newest-first' ? [...oldestFirst].reverse() : [...oldestFirst];
}
