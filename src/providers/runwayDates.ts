// Date helpers shared by the providers' runway checks. Dates are ISO `YYYY-MM-DD` (UTC).

const DAY_MS = 86_400_000;

/** Whole days from `nowMs` to the start of `day` (negative once it has passed). */
export function daysUntil(day: string, nowMs: number): number {
  return Math.floor((Date.parse(`${day}T00:00:00Z`) - nowMs) / DAY_MS);
}

/** A model id's base and snapshot version: `gpt-4.1-mini-2025-04-14` → `gpt-4.1-mini`, `2025-04-14`. */
export function splitSnapshot(model: string): { name: string; version: string | null } {
  const m = /^(.*)-(\d{4}-\d{2}-\d{2})$/.exec(model);
  return m ? { name: m[1]!, version: m[2]! } : { name: model, version: null };
}

/** Warn when a model stops serving within this many days. */
export const SERVING_WARNING_DAYS = 30;

export function servingWarning(
  model: string,
  servingUntil: string | null,
  nowMs: number,
): string | undefined {
  if (!servingUntil) return undefined;
  const days = daysUntil(servingUntil, nowMs);
  if (days < 0) return `${model} stopped serving on ${servingUntil}`;
  if (days <= SERVING_WARNING_DAYS) {
    return `${model} and its fine-tunes stop serving on ${servingUntil} (in ${days} day${days === 1 ? '' : 's'})`;
  }
  return undefined;
}
