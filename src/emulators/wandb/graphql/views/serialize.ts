/**
 * JSON with bare NaN / Infinity / -Infinity tokens, as wandb-core writes summaries and history
 * (Python's json module reads them; plain JSON.stringify would turn them into null).
 */
export function stringifyExtendedJson(value: unknown): string {
  const tokens: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      tokens.push(Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
      return `\u0000${tokens.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => tokens[Number(i)] ?? 'null');
}
