import type { Distribution } from './types.js';

// Constant-memory summary of a stream of non-negative integers: exact counts below EXACT_BELOW,
// logarithmic buckets 1% wide above it, so percentiles of a 1 GB file cost a few kilobytes.
const EXACT_BELOW = 4096;
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);

export class DistributionBuilder {
  private readonly exact = new Uint32Array(EXACT_BELOW);
  private readonly buckets = new Map<number, number>();
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  add(value: number): void {
    const v = Math.max(0, Math.round(value));
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v < EXACT_BELOW) this.exact[v]!++;
    else {
      const bucket = Math.floor(Math.log(v / EXACT_BELOW) / LOG_RATIO);
      this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    }
  }

  /** Nearest-rank percentile (0 < p ≤ 1). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let v = 0; v < EXACT_BELOW; v++) {
      seen += this.exact[v]!;
      if (seen >= rank) return v;
    }
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket)!;
      if (seen >= rank) {
        const lower = Math.ceil(EXACT_BELOW * RATIO ** bucket);
        return Math.min(this.max, Math.max(this.min, lower));
      }
    }
    return this.max;
  }

  summary(): Distribution {
    if (this.count === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0 };
    return {
      count: this.count,
      min: this.min,
      max: this.max,
      mean: Math.round((this.sum / this.count) * 10) / 10,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
    };
  }
}
