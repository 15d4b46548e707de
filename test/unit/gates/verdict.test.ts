import { describe, expect, it } from 'vitest';
import {
  combineGates,
  describeChange,
  describeGates,
  driftVerdict,
  evalVerdict,
  groupDigits,
  piiVerdict,
  policyVerdict,
  tokenLimitVerdict,
} from '../../../src/gates/verdict.js';
import type {
  DriftFeature,
  DriftReport,
  EvalModelScore,
  EvalReport,
  GatePolicy,
  GateResult,
} from '../../../src/shared/promotionTypes.js';

const POLICIES: GatePolicy[] = ['off', 'warn', 'block'];

describe('policyVerdict', () => {
  it('maps policy and outcome', () => {
    expect(POLICIES.map((p) => policyVerdict(p, true))).toEqual(['off', 'warn', 'block']);
    expect(POLICIES.map((p) => policyVerdict(p, false))).toEqual(['off', 'pass', 'pass']);
  });
});

describe('piiVerdict', () => {
  const findings = { emails: 2, phones: 1, cardNumbers: 0, lines: [2, 4, 6, 8, 9, 11] };

  it('warns or blocks on findings, per policy', () => {
    expect(piiVerdict('warn', findings).verdict).toBe('warn');
    expect(piiVerdict('block', findings).verdict).toBe('block');
    const off = piiVerdict('off', findings);
    expect(off).toEqual({ gate: 'pii', policy: 'off', verdict: 'off', summary: 'pii: off' });
  });

  it('summarises counts and the first lines in one line', () => {
    const r = piiVerdict('block', findings);
    expect(r.summary).toBe('pii: 2 emails, 1 phone number (first lines: 2, 4, 6, 8, 9, …)');
    expect(r.pii).toEqual(findings);
  });

  it('passes a clean scan and skips a missing one', () => {
    const clean = piiVerdict('block', { emails: 0, phones: 0, cardNumbers: 0, lines: [] });
    expect(clean.verdict).toBe('pass');
    expect(clean.summary).toBe('pii: no emails, phone numbers or card numbers found');
    expect(piiVerdict('block', undefined).verdict).toBe('skipped');
  });
});

describe('tokenLimitVerdict', () => {
  it('passes when every example fits', () => {
    const r = tokenLimitVerdict('block', { overLimit: 0, lines: [], contextLimit: 65536 });
    expect(r).toMatchObject({ verdict: 'pass', gate: 'tokenLimit' });
    expect(r.summary).toBe('token limit: every example fits the 65,536-token training context');
  });

  it('warns or blocks on examples over the limit', () => {
    const m = { overLimit: 3, lines: [4, 9, 12], contextLimit: 65536 };
    expect(tokenLimitVerdict('warn', m).verdict).toBe('warn');
    const r = tokenLimitVerdict('block', m);
    expect(r.verdict).toBe('block');
    expect(r.summary).toBe(
      'token limit: 3 examples over the 65,536-token training context will be truncated (first lines: 4, 9, 12)',
    );
    expect(tokenLimitVerdict('off', m).verdict).toBe('off');
    expect(tokenLimitVerdict('warn', undefined).verdict).toBe('skipped');
  });
});

const feature = (over: Partial<DriftFeature>): DriftFeature => ({
  feature: 'tokens',
  metric: 'psi',
  distance: 0.02,
  threshold: 0.25,
  exceeded: false,
  candidate: 'median 185 tokens',
  baseline: 'median 180 tokens',
  ...over,
});

describe('driftVerdict', () => {
  const drifted: DriftReport = {
    baseline: 'acme/ft/train:v3',
    features: [
      feature({ feature: 'examples', metric: 'relative', distance: 0.1, threshold: 0.5 }),
      feature({
        distance: 0.3112,
        exceeded: true,
        candidate: 'median 420 tokens',
        baseline: 'median 180 tokens',
      }),
    ],
  };

  it('names the exceeded feature, its distance and the values', () => {
    const r = driftVerdict('block', drifted);
    expect(r.verdict).toBe('block');
    expect(r.summary).toBe('drift: tokens PSI 0.31 > 0.25 (median 180 → 420 tokens)');
    expect(r.drift).toBe(drifted);
    expect(driftVerdict('warn', drifted).verdict).toBe('warn');
    expect(driftVerdict('off', drifted).verdict).toBe('off');
  });

  it('passes without a baseline, whatever the policy', () => {
    const r = driftVerdict('block', { baseline: null, features: [] });
    expect(r.verdict).toBe('pass');
    expect(r.summary).toBe('drift: no production model yet — nothing to compare');
  });

  it('passes within thresholds, listing the distances', () => {
    const r = driftVerdict('block', {
      baseline: 'acme/ft/train:v3',
      features: [feature({}), feature({ feature: 'roles', metric: 'js', distance: 0.01 })],
    });
    expect(r.verdict).toBe('pass');
    expect(r.summary).toBe(
      'drift: within thresholds vs acme/ft/train:v3 (tokens PSI 0.02, roles JS 0.01)',
    );
  });

  it('keeps distance and threshold apart when they round alike', () => {
    const r = driftVerdict('warn', {
      baseline: 'b',
      features: [feature({ distance: 0.2504, exceeded: true })],
    });
    expect(r.summary).toMatch(/^drift: tokens PSI 0\.2504 > 0\.2500 /);
  });

  it('writes relative and absolute features readably', () => {
    const r = driftVerdict('warn', {
      baseline: 'b',
      features: [
        feature({
          feature: 'examples',
          metric: 'relative',
          distance: 0.95,
          threshold: 0.5,
          exceeded: true,
          candidate: '803 examples',
          baseline: '412 examples',
        }),
        feature({
          feature: 'systemShare',
          metric: 'absolute',
          distance: 0.3,
          threshold: 0.2,
          exceeded: true,
          candidate: 'system/developer prompt in 70% of examples',
          baseline: 'system/developer prompt in 100% of examples',
        }),
      ],
    });
    expect(r.summary).toBe(
      'drift: examples changed 95% > 50% (412 → 803 examples); ' +
        'system share Δ 0.30 > 0.20 (system/developer prompt in 100% → 70% of examples)',
    );
  });

  it('skips when drift was not measured', () => {
    expect(driftVerdict('block', undefined).verdict).toBe('skipped');
  });
});

describe('describeChange', () => {
  it('writes the shared words once when one word differs', () => {
    expect(describeChange('median 180 tokens', 'median 420 tokens')).toBe(
      'median 180 → 420 tokens',
    );
    expect(describeChange('412 examples', '803 examples')).toBe('412 → 803 examples');
  });

  it('writes both values whole otherwise', () => {
    expect(describeChange('assistant 50% · user 50%', 'assistant 40% · user 40% · tool 20%')).toBe(
      'assistant 50% · user 50% → assistant 40% · user 40% · tool 20%',
    );
    expect(describeChange('a', 'a')).toBe('a, unchanged');
  });
});

const model = (
  role: EvalModelScore['role'],
  score: number,
  over: Partial<EvalModelScore> = {},
): EvalModelScore => ({
  role,
  model: role === 'candidate' ? 'ft:gpt-4.1-mini-2025-04-14:o:s:1' : 'gpt-4.1-mini-2025-04-14',
  scores: { exact: score },
  score,
  promptTokens: 1000,
  completionTokens: 200,
  errors: 0,
  ...over,
});

const report = (models: EvalModelScore[], over: Partial<EvalReport> = {}): EvalReport => ({
  dataset: 'validation file',
  examples: 50,
  primary: 'exact',
  models,
  totalTokens: 3600,
  ...over,
});

describe('evalVerdict', () => {
  it('passes a candidate better than base and close to production', () => {
    const r = evalVerdict(
      'block',
      report([model('candidate', 0.82), model('base', 0.66), model('production', 0.8)], {
        totalUsd: 0.0123,
      }),
    );
    expect(r.verdict).toBe('pass');
    expect(r.summary).toBe(
      'eval: exact 0.82 vs base 0.66 (+0.16) vs production 0.80 (+0.02) on 50 examples, $0.012',
    );
    expect(r.eval?.examples).toBe(50);
  });

  it('fails below minScore', () => {
    const r = evalVerdict('block', report([model('candidate', 0.62)]), { minScore: 0.7 });
    expect(r.verdict).toBe('block');
    expect(r.summary).toBe('eval: exact 0.62 < min 0.70 — exact 0.62 on 50 examples');
    expect(evalVerdict('block', report([model('candidate', 0.7)]), { minScore: 0.7 }).verdict).toBe(
      'pass',
    );
  });

  it('fails when worse than base by default (minDeltaVsBase 0)', () => {
    const r = evalVerdict('warn', report([model('candidate', 0.62), model('base', 0.66)]));
    expect(r.verdict).toBe('warn');
    expect(r.summary).toMatch(/^eval: vs base -0\.04 < \+0\.00 — /);
    // Equal to base is not worse, even with floating-point noise.
    const tie = report([model('candidate', 0.7 - 0.6), model('base', 0.1)]);
    expect(evalVerdict('block', tie).verdict).toBe('pass');
    // A tolerance can be given.
    expect(
      evalVerdict('block', report([model('candidate', 0.62), model('base', 0.66)]), {
        minDeltaVsBase: -0.05,
      }).verdict,
    ).toBe('pass');
  });

  it('allows 5 points below production by default, not more', () => {
    const within = report([model('candidate', 0.76), model('production', 0.8)]);
    expect(evalVerdict('block', within).verdict).toBe('pass');
    const below = report([model('candidate', 0.7), model('production', 0.8)]);
    const r = evalVerdict('block', below);
    expect(r.verdict).toBe('block');
    expect(r.summary).toContain('vs production -0.10 < -0.05');
    expect(evalVerdict('block', below, { minDeltaVsProduction: -0.2 }).verdict).toBe('pass');
  });

  it("uses the report's deltas when it has them", () => {
    const r = report([model('candidate', 0.8), model('base', 0.7)], { deltaVsBase: -0.01 });
    expect(evalVerdict('block', r).verdict).toBe('block');
  });

  it('skips without eval data or when nothing could be graded', () => {
    expect(evalVerdict('block', undefined).verdict).toBe('skipped');
    expect(evalVerdict('block', report([model('candidate', 0)], { examples: 0 })).verdict).toBe(
      'skipped',
    );
    expect(evalVerdict('block', report([model('base', 0.5)])).verdict).toBe('skipped');
    const failed = evalVerdict('block', report([model('candidate', 0, { errors: 50 })]));
    expect(failed.verdict).toBe('skipped');
    expect(failed.summary).toContain('50 errors');
  });

  it('is off under policy off, and mentions candidate errors', () => {
    expect(evalVerdict('off', report([model('candidate', 0)])).verdict).toBe('off');
    const r = evalVerdict('warn', report([model('candidate', 0.9, { errors: 3 })]));
    expect(r.summary).toBe('eval: exact 0.90 on 50 examples, 3 candidate errors');
  });
});

const result = (gate: GateResult['gate'], verdict: GateResult['verdict']): GateResult => ({
  gate,
  policy: verdict === 'off' ? 'off' : 'block',
  verdict,
  summary: `${gate}: ${verdict}`,
});

describe('combineGates', () => {
  it('is blocked only by a block verdict', () => {
    const warnOnly = combineGates([result('pii', 'warn'), result('drift', 'pass')]);
    expect(warnOnly).toEqual({
      blocked: false,
      warnings: 1,
      summary: 'nothing blocks; 1 warning (pii); 1 passed',
    });
    const skippedOnly = combineGates([result('eval', 'skipped'), result('drift', 'off')]);
    expect(skippedOnly.blocked).toBe(false);
    expect(skippedOnly.summary).toBe('nothing blocks; 1 skipped (eval); 1 off');
    const blocked = combineGates([
      result('pii', 'warn'),
      result('drift', 'block'),
      result('eval', 'block'),
      result('tokenLimit', 'pass'),
    ]);
    expect(blocked).toEqual({
      blocked: true,
      warnings: 1,
      summary: 'blocked by drift, eval; 1 warning (pii); 1 passed',
    });
  });

  it('says when everything passed or nothing ran', () => {
    expect(combineGates([result('pii', 'pass'), result('eval', 'pass')]).summary).toBe(
      'all 2 gates passed',
    );
    expect(combineGates([])).toEqual({ blocked: false, warnings: 0, summary: 'no gates ran' });
  });
});

describe('describeGates', () => {
  it('writes a markdown headline and one marked line per gate', () => {
    const text = describeGates([
      result('drift', 'block'),
      result('pii', 'warn'),
      result('tokenLimit', 'pass'),
      result('eval', 'skipped'),
      { ...result('pii', 'off'), summary: 'pii: off' },
    ]);
    expect(text.split('\n')).toEqual([
      '**Promotion gates:** blocked by drift; 1 warning (pii); 1 passed; 1 skipped (eval); 1 off',
      '- `BLOCK` drift: block',
      '- `WARN` pii: warn',
      '- `PASS` tokenLimit: pass',
      '- `SKIP` eval: skipped',
      '- `OFF` pii: off',
    ]);
  });

  it('escapes markdown in summaries', () => {
    const text = describeGates([
      { ...result('drift', 'pass'), summary: 'drift: vs a/my_ds:v1 *x*' },
    ]);
    expect(text).toContain('drift: vs a/my\\_ds:v1 \\*x\\*');
  });
});

describe('groupDigits', () => {
  it('groups thousands without the locale', () => {
    expect(groupDigits(65536)).toBe('65,536');
    expect(groupDigits(1234567.5)).toBe('1,234,567.5');
    expect(groupDigits(999)).toBe('999');
  });
});
