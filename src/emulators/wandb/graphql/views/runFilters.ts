import { parseObjectLine } from '../../store/extendedJson.js';
import {
  UserInputError,
  parsedConfig,
  runState,
  unwrapConfig,
  type RunRecord,
} from '../../store/runs.js';

/**
 * A small subset of the MongoDB-style run filters the public API sends (`Api().runs(filters=…)`):
 * `$and`, `$or`, and per-field `$eq $ne $in $nin $gt $gte $lt $lte $exists $regex`. Anything else
 * is refused rather than silently ignored.
 */
type Filter = Record<string, unknown>;

function fieldValue(run: RunRecord, field: string, heartbeatTimeoutMs: number): unknown {
  const [head, ...rest] = field.split('.');
  const dig = (root: unknown): unknown =>
    rest.reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Filter)[k] : undefined),
      root,
    );
  switch (head) {
    case 'name':
      return run.name;
    case 'displayName':
    case 'display_name':
      return run.displayName ?? run.name;
    case 'jobType':
    case 'job_type':
      return run.jobType;
    case 'group':
      return run.group;
    case 'state':
      return runState(run, Date.now(), heartbeatTimeoutMs);
    case 'tags':
      return run.tags;
    case 'createdAt':
    case 'created_at':
      return run.createdAt.toISOString();
    case 'config': {
      const config = parsedConfig(run);
      // "config.k.value" addresses the stored wrapping, "config.k" the plain value.
      return rest.at(-1) === 'value' ? dig(config) : dig(unwrapConfig(config));
    }
    case 'summary_metrics':
    case 'summaryMetrics':
      return dig(run.summary);
    default:
      throw new UserInputError(`run filter field "${field}" is not supported by the emulator`);
  }
}

const same = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) ? a.some((x) => same(x, b)) : JSON.stringify(a) === JSON.stringify(b);

function compare(value: unknown, op: string, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return same(value, operand);
    case '$ne':
      return !same(value, operand);
    case '$in':
      return Array.isArray(operand) && operand.some((o) => same(value, o));
    case '$nin':
      return Array.isArray(operand) && !operand.some((o) => same(value, o));
    case '$gt':
      return (value as number) > (operand as number);
    case '$gte':
      return (value as number) >= (operand as number);
    case '$lt':
      return (value as number) < (operand as number);
    case '$lte':
      return (value as number) <= (operand as number);
    case '$exists':
      return (value !== undefined && value !== null) === Boolean(operand);
    case '$regex':
      return typeof value === 'string' && new RegExp(String(operand)).test(value);
    default:
      throw new UserInputError(`run filter operator "${op}" is not supported by the emulator`);
  }
}

function matches(run: RunRecord, filter: Filter, timeout: number): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$and') return (cond as Filter[]).every((f) => matches(run, f, timeout));
    if (key === '$or') return (cond as Filter[]).some((f) => matches(run, f, timeout));
    const value = fieldValue(run, key, timeout);
    if (cond !== null && typeof cond === 'object' && !Array.isArray(cond)) {
      return Object.entries(cond as Filter).every(([op, operand]) => compare(value, op, operand));
    }
    return same(value, cond);
  });
}

export function filterRuns(
  runs: RunRecord[],
  filtersJson: string | null | undefined,
  order: string | null | undefined,
  heartbeatTimeoutMs: number,
): RunRecord[] {
  const filter = filtersJson ? parseObjectLine(filtersJson) : {};
  if (!filter) throw new UserInputError('run filters must be a JSON object');
  const kept = runs.filter((run) => matches(run, filter, heartbeatTimeoutMs));
  const descending = !order || order.startsWith('-');
  kept.sort((a, b) => a.n - b.n);
  return descending ? kept.reverse() : kept;
}
