import type { DatasetProfile, DriftFeature } from '../shared/promotionTypes.js';
import { binLabels, TOKEN_BIN_EDGES, TURN_BIN_EDGES } from './profile.js';

// Drift between a candidate dataset's profile and the production one. Pure.

export type DriftFeatureName = DriftFeature['feature'];
export type DriftThresholds = Record<DriftFeatureName, number>;

/**
 * A feature drifts when its distance is strictly above its threshold.
 * - examples 0.5: the dataset grew or shrank by more than half (relative change);
 * - tokens, turns 0.25: PSI above 0.25 is the usual "significant shift" rule of thumb
 *   (below 0.1 stable, 0.1–0.25 moderate);
 * - roles 0.1: Jensen–Shannon divergence (base 2) of the role mix;
 * - systemShare 0.2: the share of examples with a system/developer prompt moved 20 points.
 */
export const DEFAULT_DRIFT_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze({
  examples: 0.5,
  tokens: 0.25,
  turns: 0.25,
  roles: 0.1,
  systemShare: 0.2,
});

/** Share used for an empty bin in PSI, so it stays finite (the usual 0.0001 substitute). */
export const PSI_EPSILON = 1e-4;

const FEATURES: readonly DriftFeatureName[] = [
  'examples',
  'tokens',
  'turns',
  'roles',
  'systemShare',
];

/** Defaults merged with overrides; throws on a threshold that is not a number ≥ 0 (config time). */
export function resolveDriftThresholds(
  overrides?: Partial<Record<DriftFeatureName, number>>,
): DriftThresholds {
  const resolved = { ...DEFAULT_DRIFT_THRESHOLDS };
  for (const [feature, value] of Object.entries(overrides ?? {})) {
    if (!(FEATURES as readonly string[]).includes(feature)) {
      throw new Error(
        `unknown drift feature ${JSON.stringify(feature)}; use one of ${FEATURES.join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`drift threshold for ${feature} must be a number ≥ 0, got ${String(value)}`);
    }
    resolved[feature as DriftFeatureName] = value;
  }
  return resolved;
}

function checkCounts(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) {
    throw new RangeError(`count vectors differ in length (${a.length} vs ${b.length})`);
  }
  for (const v of [...a, ...b]) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`counts must be ≥ 0, got ${v}`);
  }
}

const sum = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0);

/**
 * Population stability index Σ (pᵢ − qᵢ) ln(pᵢ / qᵢ) of two count vectors over the same bins;
 * symmetric in a, b. An empty bin's share is taken as `epsilon`, so the index stays finite —
 * but mass appearing where the other side had none still weighs heavily, as it should. An
 * all-zero vector has no mass anywhere, so it is far from any non-empty one.
 */
export function psi(a: readonly number[], b: readonly number[], epsilon = PSI_EPSILON): number {
  checkCounts(a, b);
  const ta = sum(a);
  const tb = sum(b);
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const p = ta === 0 || a[i] === 0 ? epsilon : a[i]! / ta;
    const q = tb === 0 || b[i] === 0 ? epsilon : b[i]! / tb;
    total += (p - q) * Math.log(p / q);
  }
  return Math.max(0, total);
}

/**
 * Jensen–Shannon divergence (base 2, so 0..1) of two count vectors. 0 for identical shapes
 * (or two empty vectors), 1 for disjoint supports or when exactly one vector is empty.
 */
export function jensenShannon(a: readonly number[], b: readonly number[]): number {
  checkCounts(a, b);
  const ta = sum(a);
  const tb = sum(b);
  if (ta === 0 && tb === 0) return 0;
  if (ta === 0 || tb === 0) return 1;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]! / ta;
    const q = b[i]! / tb;
    const m = (p + q) / 2;
    if (p > 0) total += 0.5 * p * Math.log2(p / m);
    if (q > 0) total += 0.5 * q * Math.log2(q / m);
  }
  return Math.min(1, Math.max(0, total));
}

/** |a − b| / b, with b taken as at least 1 so an empty baseline gives a finite number. */
export function relativeChange(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/**
 * One DriftFeature per feature, candidate against baseline; none without a baseline. Throws when
 * the profiles were binned with different edges (their bin counts differ).
 */
export function compareProfiles(
  candidate: DatasetProfile,
  baseline: DatasetProfile | null,
  thresholds?: Partial<Record<DriftFeatureName, number>>,
): DriftFeature[] {
  if (!baseline) return [];
  const t = resolveDriftThresholds(thresholds);
  for (const key of ['tokenBins', 'turnBins'] as const) {
    if (candidate[key].length !== baseline[key].length) {
      throw new Error(
        `cannot compare profiles: ${key} has ${candidate[key].length} bins in the candidate and ` +
          `${baseline[key].length} in the baseline (profiled with different bin edges)`,
      );
    }
  }
  const roleNames = [...new Set([...Object.keys(candidate.roles), ...Object.keys(baseline.roles)])];
  roleNames.sort();
  const roleCounts = (p: DatasetProfile) => roleNames.map((r) => p.roles[r] ?? 0);
  const feature = (
    name: DriftFeatureName,
    metric: DriftFeature['metric'],
    distance: number,
    describe: (p: DatasetProfile) => string,
  ): DriftFeature => ({
    feature: name,
    metric,
    distance,
    threshold: t[name],
    exceeded: distance > t[name],
    candidate: describe(candidate),
    baseline: describe(baseline),
  });
  return [
    feature(
      'examples',
      'relative',
      relativeChange(candidate.examples, baseline.examples),
      describeExamples,
    ),
    feature('tokens', 'psi', psi(candidate.tokenBins, baseline.tokenBins), describeTokens),
    feature('turns', 'psi', psi(candidate.turnBins, baseline.turnBins), describeTurns),
    feature(
      'roles',
      'js',
      jensenShannon(roleCounts(candidate), roleCounts(baseline)),
      describeRoles,
    ),
    feature(
      'systemShare',
      'absolute',
      Math.abs(candidate.systemShare - baseline.systemShare),
      describeSystemShare,
    ),
  ];
}

// ---- readable values -------------------------------------------------------------------------

export function describeExamples(p: DatasetProfile): string {
  return `${p.examples} example${p.examples === 1 ? '' : 's'}`;
}

/** "median 180 tokens" (exact), or "median ≈ 180 tokens" estimated from the bins. */
export function describeTokens(p: DatasetProfile): string {
  if (p.examples === 0) return 'no examples';
  if (p.tokenMedian !== undefined) return `median ${Math.round(p.tokenMedian)} tokens`;
  const last = TOKEN_BIN_EDGES[TOKEN_BIN_EDGES.length - 2]!;
  const estimate = estimateMedianFromBins(p.tokenBins, TOKEN_BIN_EDGES);
  return estimate >= last ? `median ≥ ${last} tokens` : `median ≈ ${Math.round(estimate)} tokens`;
}

/** "median 3 messages", "median 5–6 messages". */
export function describeTurns(p: DatasetProfile): string {
  const total = sum(p.turnBins);
  if (total === 0) return 'no examples';
  const labels = binLabels(TURN_BIN_EDGES);
  const rank = Math.ceil(total / 2);
  let seen = 0;
  for (let i = 0; i < p.turnBins.length; i++) {
    seen += p.turnBins[i]!;
    if (seen >= rank) {
      const label = labels[i] ?? `bin ${i}`;
      return `median ${label} message${label === '1' ? '' : 's'}`;
    }
  }
  return 'no examples';
}

/** "assistant 48% · user 48% · system 4%": message shares by role, largest first. */
export function describeRoles(p: DatasetProfile): string {
  const entries = Object.entries(p.roles).filter(([, n]) => n > 0);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return 'no messages';
  entries.sort(([ra, a], [rb, b]) => b - a || ra.localeCompare(rb));
  return entries.map(([role, n]) => `${role} ${percent(n / total)}`).join(' · ');
}

/** "system/developer prompt in 100% of examples". */
export function describeSystemShare(p: DatasetProfile): string {
  if (p.examples === 0) return 'no examples';
  return `system/developer prompt in ${percent(p.systemShare)} of examples`;
}

/** 0.48 → "48%"; tiny and near-full shares are not rounded to 0% or 100%. */
export function percent(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  if (share < 1 && share > 0.995) return '>99%';
  return `${Math.round(share * 100)}%`;
}

/**
 * The median of a histogram, interpolated linearly inside its bin; for the open last bin, the
 * bin's lower edge. 0 for an empty histogram.
 */
export function estimateMedianFromBins(bins: readonly number[], edges: readonly number[]): number {
  const total = sum(bins);
  if (total === 0) return 0;
  const half = total / 2;
  let seen = 0;
  for (let i = 0; i < bins.length; i++) {
    const n = bins[i]!;
    if (n > 0 && seen + n >= half) {
      const lo = edges[i] ?? 0;
      const hi = edges[i + 1] ?? Number.POSITIVE_INFINITY;
      if (!Number.isFinite(hi)) return lo;
      return lo + ((half - seen) / n) * (hi - lo);
    }
    seen += n;
  }
  return edges[bins.length - 1] ?? 0;
}
