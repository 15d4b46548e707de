/** Dollars and cents; small sums keep two significant digits ($0.0042), never "$0.00". Pure. */
export const usd = (v: number): string =>
  v > 0 && v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`;
