/**
 * The `historyKeys` JSON W&B returns for a run: the last `_step` and, per top-level key, how
 * many rows held a value of each type. The public API reads `lastStep` to bound history scans.
 */
export interface HistoryKeys {
  lastStep: number;
  keys: Record<string, { typeCounts: { type: string; count: number }[] }>;
}

function typeName(value: unknown): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') {
    const declared = (value as { _type?: unknown })._type;
    return typeof declared === 'string' ? declared : 'map';
  }
  return typeof value;
}

export function historyKeys(rows: Record<string, unknown>[]): HistoryKeys {
  const counts = new Map<string, Map<string, number>>();
  let lastStep = -1;
  rows.forEach((row, index) => {
    const step = typeof row._step === 'number' ? row._step : index;
    lastStep = Math.max(lastStep, step);
    for (const [key, value] of Object.entries(row)) {
      const perType = counts.get(key) ?? new Map<string, number>();
      const type = typeName(value);
      perType.set(type, (perType.get(type) ?? 0) + 1);
      counts.set(key, perType);
    }
  });
  const keys: HistoryKeys['keys'] = {};
  for (const [key, perType] of counts) {
    keys[key] = { typeCounts: [...perType].map(([type, count]) => ({ type, count })) };
  }
  return { lastStep, keys };
}
