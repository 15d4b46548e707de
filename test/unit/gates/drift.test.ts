import { describe, expect, it } from 'vitest';
import {
  compareProfiles,
  DEFAULT_DRIFT_THRESHOLDS,
  describeRoles,
  describeTokens,
  describeTurns,
  estimateMedianFromBins,
  jensenShannon,
  psi,
  PSI_EPSILON,
  relativeChange,
  resolveDriftThresholds,
} from '../../../src/gates/drift.js';
import { TOKEN_BIN_EDGES, TURN_BIN_EDGES } from '../../../src/gates/profile.js';
import type { DatasetProfile } from '../../../src/shared/promotionTypes.js';

const TOKEN_BINS = TOKEN_BIN_EDGES.length - 1;
const TURN_BINS = TURN_BIN_EDGES.length - 1;

/** A profile with `n` examples of `tokenBin` tokens and 3 turns (system, user, assistant). */
function profile(over: Partial<DatasetProfile> = {}): DatasetProfile {
  const tokenBins = new Array<number>(TOKEN_BINS).fill(0);
  tokenBins[4] = 100; // 256–511
  const turnBins = new Array<number>(TURN_BINS).fill(0);
  turnBins[2] = 100; // 3 messages
  return {
    examples: 100,
    tokenBins,
    turnBins,
    roles: { system: 100, user: 100, assistant: 100 },
    systemShare: 1,
    tokenMedian: 300,
    ...over,
  };
}

describe('psi', () => {
  it('is 0 for identical distributions, and for the same shape at another scale', () => {
    expect(psi([3, 5, 2], [3, 5, 2])).toBe(0);
    expect(psi([3, 5, 2], [30, 50, 20])).toBeCloseTo(0, 12);
    expect(psi([0, 0], [0, 0])).toBe(0);
  });

  it('matches hand-computed values', () => {
    // p = .5/.5, q = .25/.75: .25·ln 2 + (−.25)·ln(2/3) = 0.17329 + 0.10137
    expect(psi([50, 50], [25, 75])).toBeCloseTo(0.27465, 4);
    // p = .1 .2 .3 .4, q reversed: 2·(.3·ln 4 + .1·ln 1.5) = 0.91288
    expect(psi([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(0.91287, 4);
  });

  it('stays finite on an empty bin, whose share is taken as epsilon', () => {
    const e = PSI_EPSILON;
    // p = 1, ε; q = .5, .5
    const expected = (1 - 0.5) * Math.log(1 / 0.5) + (e - 0.5) * Math.log(e / 0.5);
    const value = psi([10, 0], [5, 5]);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeCloseTo(expected, 12);
    expect(value).toBeGreaterThan(4);
    expect(psi([10, 0], [5, 5], 1e-2)).toBeLessThan(value);
  });

  it('is symmetric', () => {
    expect(psi([1, 9, 0, 4], [5, 2, 2, 1])).toBeCloseTo(psi([5, 2, 2, 1], [1, 9, 0, 4]), 12);
  });

  it('refuses vectors of different length or negative counts', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(/length/);
    expect(() => psi([1, -2], [1, 2])).toThrow(/≥ 0/);
    expect(() => psi([1, Number.NaN], [1, 2])).toThrow();
  });
});

describe('jensenShannon', () => {
  it('is 0 for identical shapes and 1 for disjoint supports', () => {
    expect(jensenShannon([2, 3], [4, 6])).toBeCloseTo(0, 12);
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannon([0, 0], [0, 0])).toBe(0);
    expect(jensenShannon([0, 0], [1, 1])).toBe(1);
  });

  it('matches a hand-computed value', () => {
    // P = .5/.5, Q = 1/0, M = .75/.25: ½(0.20752 + 0.41504) = 0.31128
    expect(jensenShannon([1, 1], [1, 0])).toBeCloseTo(0.31128, 4);
  });

  it('is symmetric and bounded by 0..1', () => {
    const vectors = [
      [1, 0, 0, 0],
      [0, 0, 0, 7],
      [1, 1, 1, 1],
      [5, 0, 3, 1],
      [100, 1, 0, 0],
    ];
    for (const a of vectors) {
      for (const b of vectors) {
        const ab = jensenShannon(a, b);
        expect(ab).toBeCloseTo(jensenShannon(b, a), 12);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('relativeChange', () => {
  it('is |a − b| / b and finite on an empty baseline', () => {
    expect(relativeChange(150, 100)).toBe(0.5);
    expect(relativeChange(50, 100)).toBe(0.5);
    expect(relativeChange(3, 0)).toBe(3);
    expect(relativeChange(0, 0)).toBe(0);
  });
});

describe('compareProfiles', () => {
  it('gives nothing without a baseline', () => {
    expect(compareProfiles(profile(), null)).toEqual([]);
  });

  it('gives one feature per feature, none exceeded, for identical profiles', () => {
    const features = compareProfiles(profile(), profile());
    expect(features.map((f) => [f.feature, f.metric])).toEqual([
      ['examples', 'relative'],
      ['tokens', 'psi'],
      ['turns', 'psi'],
      ['roles', 'js'],
      ['systemShare', 'absolute'],
    ]);
    for (const f of features) {
      expect(f.distance).toBeCloseTo(0, 12);
      expect(f.exceeded).toBe(false);
      expect(f.threshold).toBe(DEFAULT_DRIFT_THRESHOLDS[f.feature]);
    }
  });

  it('flags a token shift beyond PSI 0.25 and reads the medians', () => {
    const longer = profile({ tokenMedian: 700 });
    longer.tokenBins[4] = 40;
    longer.tokenBins[5] = 60; // 512–1023
    const features = compareProfiles(longer, profile());
    const tokens = features.find((f) => f.feature === 'tokens')!;
    expect(tokens.distance).toBeGreaterThan(0.25);
    expect(tokens.exceeded).toBe(true);
    expect(tokens.candidate).toBe('median 700 tokens');
    expect(tokens.baseline).toBe('median 300 tokens');
    expect(features.filter((f) => f.exceeded).map((f) => f.feature)).toEqual(['tokens']);
  });

  it('keeps a small token shift under the threshold', () => {
    const base = profile();
    base.tokenBins[4] = 60;
    base.tokenBins[5] = 40;
    const slightly = profile();
    slightly.tokenBins[4] = 52;
    slightly.tokenBins[5] = 48;
    const tokens = compareProfiles(slightly, base).find((f) => f.feature === 'tokens')!;
    // (.52 − .6)·ln(.52/.6) + (.48 − .4)·ln(.48/.4) = 0.02603
    expect(tokens.distance).toBeCloseTo(0.02603, 4);
    expect(tokens.exceeded).toBe(false);
  });

  it('flags mass appearing in a bin the baseline never had', () => {
    const some = profile();
    some.tokenBins[4] = 95;
    some.tokenBins[9] = 5; // 8192–16383 tokens: new very long examples
    const tokens = compareProfiles(some, profile()).find((f) => f.feature === 'tokens')!;
    expect(tokens.exceeded).toBe(true);
  });

  it('measures examples, roles, turns and system share', () => {
    const candidate = profile({
      examples: 200,
      roles: { user: 200, assistant: 200, tool: 100 },
      systemShare: 0.5,
    });
    candidate.turnBins[2] = 0;
    candidate.turnBins[4] = 200; // 5–6 messages
    const byName = Object.fromEntries(
      compareProfiles(candidate, profile()).map((f) => [f.feature, f]),
    );
    expect(byName.examples).toMatchObject({ distance: 1, exceeded: true });
    expect(byName.examples!.candidate).toBe('200 examples');
    expect(byName.examples!.baseline).toBe('100 examples');
    expect(byName.turns!.exceeded).toBe(true);
    expect(byName.turns!.candidate).toBe('median 5–6 messages');
    expect(byName.turns!.baseline).toBe('median 3 messages');
    expect(byName.roles!.exceeded).toBe(true);
    expect(byName.roles!.candidate).toBe('assistant 40% · user 40% · tool 20%');
    expect(byName.systemShare).toMatchObject({ distance: 0.5, exceeded: true });
    expect(byName.systemShare!.candidate).toBe('system/developer prompt in 50% of examples');
  });

  it('is strict at the threshold and honours overrides', () => {
    const grown = profile({ examples: 150 });
    const exact = compareProfiles(grown, profile()).find((f) => f.feature === 'examples')!;
    expect(exact.distance).toBe(0.5);
    expect(exact.exceeded).toBe(false);
    const tight = compareProfiles(grown, profile(), { examples: 0.4 });
    expect(tight.find((f) => f.feature === 'examples')).toMatchObject({
      threshold: 0.4,
      exceeded: true,
    });
  });

  it('refuses profiles binned differently and invalid thresholds', () => {
    expect(() => compareProfiles(profile({ tokenBins: [1, 2] }), profile())).toThrow(
      /different bin edges/,
    );
    expect(() => compareProfiles(profile(), profile(), { tokens: -1 })).toThrow(/≥ 0/);
    expect(() => resolveDriftThresholds({ tokens: Number.NaN })).toThrow();
    expect(() => resolveDriftThresholds({ bogus: 1 } as never)).toThrow(/unknown drift feature/);
    expect(resolveDriftThresholds({ roles: 0.3 })).toEqual({
      ...DEFAULT_DRIFT_THRESHOLDS,
      roles: 0.3,
    });
  });
});

describe('readable values', () => {
  it('writes role shares largest first', () => {
    expect(describeRoles(profile({ roles: { assistant: 48, user: 48, system: 4 } }))).toBe(
      'assistant 48% · user 48% · system 4%',
    );
    expect(describeRoles(profile({ roles: { assistant: 999, system: 1 } }))).toBe(
      'assistant >99% · system <1%',
    );
    expect(describeRoles(profile({ roles: {} }))).toBe('no messages');
  });

  it('estimates the median from bins when the profile has none', () => {
    const p = profile({ tokenMedian: undefined });
    // All 100 in 256–511: halfway through the bin.
    expect(describeTokens(p)).toBe('median ≈ 384 tokens');
    const bins = new Array<number>(TOKEN_BINS).fill(0);
    bins[TOKEN_BINS - 1] = 3;
    expect(describeTokens(profile({ tokenMedian: undefined, tokenBins: bins }))).toBe(
      'median ≥ 16384 tokens',
    );
    expect(estimateMedianFromBins([0, 0], [0, 10, 20])).toBe(0);
    expect(estimateMedianFromBins([1, 1], [0, 10, 20])).toBe(10);
  });

  it('writes singular turns and empty profiles', () => {
    const turnBins = new Array<number>(TURN_BINS).fill(0);
    turnBins[0] = 5;
    expect(describeTurns(profile({ turnBins }))).toBe('median 1 message');
    expect(describeTurns(profile({ turnBins: new Array<number>(TURN_BINS).fill(0) }))).toBe(
      'no examples',
    );
    expect(describeTokens(profile({ examples: 0 }))).toBe('no examples');
  });
});
