/** Unix seconds, as every `created_at` in the API is. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * `estimated_finish` for work ending `remainingMs` from `nowMs`: the end rounded to the nearest
 * Unix second, so the estimate is as often late as early. (Flooring now and rounding the rest up
 * made it early by the fraction of the second training began in, up to a second: a minute of real
 * time in a benchmark that compresses time 60×.) Never sooner than the next second.
 */
export function estimatedFinishSeconds(nowMs: number, remainingMs: number): number {
  return Math.max(Math.floor(nowMs / 1000) + 1, Math.round((nowMs + remainingMs) / 1000));
}
