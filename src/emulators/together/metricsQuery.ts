import type { FastifyRequest } from 'fastify';
import { badRequest } from './errors.js';
import type { MetricRow } from './records.js';

/**
 * `GET /fine-tunes/{id}/metrics` filters. The description puts them in a JSON body on the GET;
 * the SDK (0.52) sends them as query parameters: both are read, the query winning.
 */
export interface MetricsFilter {
  globalStepFrom?: number;
  globalStepTo?: number;
  loggedAtFrom?: number;
  loggedAtTo?: number;
  resolution?: number;
}

/** The body of a GET, which fastify leaves unread: read it from the socket, if one came. */
export async function readGetBody(req: FastifyRequest): Promise<Record<string, unknown>> {
  const raw = req.raw;
  if (!raw.headers['content-length'] && !raw.headers['transfer-encoding']) return {};
  let text = '';
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 65_536) throw badRequest('The request body is too large');
  }
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

function integer(v: unknown, key: string, min: number): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    throw badRequest(`${key} must be an integer ≥ ${min}`, key);
  return n;
}

function time(v: unknown, key: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw badRequest(`${key} must be an ISO 8601 timestamp`, key);
  return ms;
}

export function metricsFilter(
  query: Record<string, unknown>,
  body: Record<string, unknown>,
): MetricsFilter {
  const get = (key: string): unknown => query[key] ?? body[key];
  return {
    globalStepFrom: integer(get('global_step_from'), 'global_step_from', 0),
    globalStepTo: integer(get('global_step_to'), 'global_step_to', 0),
    loggedAtFrom: time(get('logged_at_from'), 'logged_at_from'),
    loggedAtTo: time(get('logged_at_to'), 'logged_at_to'),
    resolution: integer(get('resolution'), 'resolution', 1),
  };
}

/**
 * Rows in chronological order within the filter; `resolution` keeps that many train rows,
 * evenly sampled (evaluations are always complete).
 */
export function selectMetrics(
  rows: readonly MetricRow[],
  f: MetricsFilter,
): Record<string, number>[] {
  const kept = rows.filter(
    (r) =>
      (f.globalStepFrom === undefined || r.step >= f.globalStepFrom) &&
      (f.globalStepTo === undefined || r.step <= f.globalStepTo) &&
      (f.loggedAtFrom === undefined || r.loggedAtMs >= f.loggedAtFrom) &&
      (f.loggedAtTo === undefined || r.loggedAtMs <= f.loggedAtTo),
  );
  const train = kept.filter((r) => r.kind === 'train');
  if (f.resolution === undefined || train.length <= f.resolution)
    return kept.map((r) => ({ ...r.values }));
  const picked = new Set<MetricRow>();
  for (let i = 0; i < f.resolution; i++) {
    picked.add(train[Math.round((i * (train.length - 1)) / Math.max(1, f.resolution - 1))]!);
  }
  return kept.filter((r) => r.kind === 'eval' || picked.has(r)).map((r) => ({ ...r.values }));
}
