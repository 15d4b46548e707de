import type {
  DriftFeature,
  DriftReport,
  EvalOptions,
  EvalReport,
  GateName,
  GatePolicy,
  GateResult,
  GateVerdict,
  PiiFindings,
} from '../shared/promotionTypes.js';

// From a measurement and a policy to a GateResult with a one-line summary an approver can act on.
// Pure. A measurement that is missing gives `skipped`, which never blocks; policy off gives `off`.

export const GATE_LABELS: Readonly<Record<GateName, string>> = Object.freeze({
  pii: 'pii',
  tokenLimit: 'token limit',
  drift: 'drift',
  eval: 'eval',
  corpusChange: 'corpus change',
  retrieval: 'retrieval',
});

/** Defaults of the eval gate: not worse than the base model, at most 5 points below production. */
export const DEFAULT_MIN_DELTA_VS_BASE = 0;
export const DEFAULT_MIN_DELTA_VS_PRODUCTION = -0.05;

/** Scores are compared with this slack, so 0.7 − 0.6 − 0.1 rounding noise is not a failure. */
const SCORE_EPSILON = 1e-9;
/** How many line numbers a summary shows. */
const SHOWN_LINES = 5;

/** The verdict of a measured gate: off stays off, a clean measurement passes, a bad one warns or blocks. */
export function policyVerdict(policy: GatePolicy, failed: boolean): GateVerdict {
  if (policy === 'off') return 'off';
  if (!failed) return 'pass';
  return policy;
}

function offResult(gate: GateName): GateResult {
  return { gate, policy: 'off', verdict: 'off', summary: `${GATE_LABELS[gate]}: off` };
}

function skipped(gate: GateName, policy: GatePolicy, why: string): GateResult {
  return { gate, policy, verdict: 'skipped', summary: `${GATE_LABELS[gate]}: ${why}` };
}

// ---- pii ---------------------------------------------------------------------------------------

/** `findings` undefined: the scan did not run. */
export function piiVerdict(policy: GatePolicy, findings: PiiFindings | undefined): GateResult {
  if (policy === 'off') return offResult('pii');
  if (!findings) return skipped('pii', policy, 'not scanned — nothing measured');
  const parts = [
    count(findings.emails, 'email', true),
    count(findings.phones, 'phone number', true),
    count(findings.cardNumbers, 'card number', true),
  ].filter((p): p is string => p !== undefined);
  const failed = parts.length > 0;
  const summary = failed
    ? `pii: ${parts.join(', ')}${linesNote(findings.lines)}`
    : 'pii: no emails, phone numbers or card numbers found';
  return { gate: 'pii', policy, verdict: policyVerdict(policy, failed), summary, pii: findings };
}

// ---- token limit -------------------------------------------------------------------------------

export interface TokenLimitMeasurement {
  /** Examples over the training context. */
  overLimit: number;
  /** First line numbers of those examples (capped). */
  lines: number[];
  contextLimit: number;
}

export function tokenLimitVerdict(
  policy: GatePolicy,
  measurement: TokenLimitMeasurement | undefined,
): GateResult {
  if (policy === 'off') return offResult('tokenLimit');
  if (!measurement) return skipped('tokenLimit', policy, 'not measured');
  const limit = groupDigits(measurement.contextLimit);
  const failed = measurement.overLimit > 0;
  const summary = failed
    ? `token limit: ${count(measurement.overLimit, 'example')} over the ${limit}-token training ` +
      `context will be truncated${linesNote(measurement.lines)}`
    : `token limit: every example fits the ${limit}-token training context`;
  return { gate: 'tokenLimit', policy, verdict: policyVerdict(policy, failed), summary };
}

// ---- drift -------------------------------------------------------------------------------------

const FEATURE_LABELS: Record<DriftFeature['feature'], string> = {
  examples: 'examples',
  tokens: 'tokens',
  turns: 'turns',
  roles: 'roles',
  systemShare: 'system share',
};

/** `report` undefined: drift was not measured. No production model: pass, nothing to drift from. */
export function driftVerdict(policy: GatePolicy, report: DriftReport | undefined): GateResult {
  if (policy === 'off') return offResult('drift');
  if (!report) return skipped('drift', policy, 'not measured');
  if (report.baseline === null) {
    return {
      gate: 'drift',
      policy,
      verdict: 'pass',
      summary: 'drift: no production model yet — nothing to compare',
      drift: report,
    };
  }
  if (report.features.length === 0) {
    return { ...skipped('drift', policy, 'no features compared'), drift: report };
  }
  const exceeded = report.features.filter((f) => f.exceeded);
  const summary =
    exceeded.length > 0
      ? `drift: ${exceeded.map((f) => `${measure(f, '>')} (${describeChange(f.baseline, f.candidate)})`).join('; ')}`
      : `drift: within thresholds vs ${report.baseline} (${report.features.map((f) => measure(f)).join(', ')})`;
  return {
    gate: 'drift',
    policy,
    verdict: policyVerdict(policy, exceeded.length > 0),
    summary,
    drift: report,
  };
}

/** "tokens PSI 0.31 > 0.25", "examples changed 95% > 50%", "system share Δ 0.30 > 0.20". */
function measure(f: DriftFeature, comparison?: '>'): string {
  const label = FEATURE_LABELS[f.feature];
  const asPercent = f.metric === 'relative';
  const [d, t] = distinct(f.distance, f.threshold, asPercent);
  const value =
    f.metric === 'psi'
      ? `${label} PSI ${d}`
      : f.metric === 'js'
        ? `${label} JS ${d}`
        : f.metric === 'relative'
          ? `${label} changed ${d}`
          : `${label} Δ ${d}`;
  return comparison ? `${value} ${comparison} ${t}` : value;
}

/**
 * Two numbers formatted with as few decimals as keep them apart (so 0.2504 > 0.25 does not read
 * "0.25 > 0.25"): two by default, up to four.
 */
function distinct(a: number, b: number, asPercent: boolean): [string, string] {
  const scale = asPercent ? 100 : 1;
  const suffix = asPercent ? '%' : '';
  let digits = asPercent ? 0 : 2;
  const fmt = (v: number) => `${(v * scale).toFixed(digits)}${suffix}`;
  while (digits < 4 && a !== b && fmt(a) === fmt(b)) digits++;
  return [fmt(a), fmt(b)];
}

/**
 * "median 180 → 420 tokens" from "median 180 tokens" and "median 420 tokens": the words both
 * share at the start and end are written once when just one word differs; otherwise both whole.
 */
export function describeChange(before: string, after: string): string {
  if (before === after) return `${before}, unchanged`;
  const a = before.split(' ');
  const b = after.split(' ');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length !== 1 || midB.length !== 1) return `${before} → ${after}`;
  return [...a.slice(0, head), `${midA[0]} → ${midB[0]}`, ...a.slice(a.length - tail)].join(' ');
}

// ---- eval --------------------------------------------------------------------------------------

/**
 * Checks the candidate's primary score against `minScore` (when set), the base model
 * (`minDeltaVsBase`, default 0) and production (`minDeltaVsProduction`, default −0.05). A delta
 * is only checked when its model was evaluated. No eval data, or no candidate answer graded:
 * skipped.
 */
export function evalVerdict(
  policy: GatePolicy,
  report: EvalReport | undefined,
  options: EvalOptions = {},
): GateResult {
  if (policy === 'off') return offResult('eval');
  const candidate = report?.models.find((m) => m.role === 'candidate');
  if (!report || report.examples === 0 || !candidate) {
    return {
      ...skipped('eval', policy, 'no eval data — nothing measured'),
      ...(report ? { eval: report } : {}),
    };
  }
  if (candidate.errors >= report.examples) {
    return {
      ...skipped(
        'eval',
        policy,
        `no candidate answer could be graded (${count(candidate.errors, 'error')} on ` +
          `${count(report.examples, 'example')}) — nothing measured`,
      ),
      eval: report,
    };
  }
  const base = report.models.find((m) => m.role === 'base');
  const production = report.models.find((m) => m.role === 'production');
  const deltaVsBase = report.deltaVsBase ?? (base ? candidate.score - base.score : undefined);
  const deltaVsProduction =
    report.deltaVsProduction ?? (production ? candidate.score - production.score : undefined);
  const primary = report.primary;

  const failures: string[] = [];
  if (options.minScore !== undefined && candidate.score < options.minScore - SCORE_EPSILON) {
    failures.push(`${primary} ${score(candidate.score)} < min ${score(options.minScore)}`);
  }
  const minBase = options.minDeltaVsBase ?? DEFAULT_MIN_DELTA_VS_BASE;
  if (deltaVsBase !== undefined && deltaVsBase < minBase - SCORE_EPSILON) {
    failures.push(`vs base ${signed(deltaVsBase)} < ${signed(minBase)}`);
  }
  const minProduction = options.minDeltaVsProduction ?? DEFAULT_MIN_DELTA_VS_PRODUCTION;
  if (deltaVsProduction !== undefined && deltaVsProduction < minProduction - SCORE_EPSILON) {
    failures.push(`vs production ${signed(deltaVsProduction)} < ${signed(minProduction)}`);
  }

  const context = [`${primary} ${score(candidate.score)}`];
  if (base && deltaVsBase !== undefined)
    context.push(`base ${score(base.score)} (${signed(deltaVsBase)})`);
  if (production && deltaVsProduction !== undefined)
    context.push(`production ${score(production.score)} (${signed(deltaVsProduction)})`);
  let detail = `${context.join(' vs ')} on ${count(report.examples, 'example')}`;
  if (candidate.errors > 0) detail += `, ${count(candidate.errors, 'candidate error')}`;
  if (report.totalUsd !== undefined) detail += `, ${usd(report.totalUsd)}`;

  const summary =
    failures.length > 0 ? `eval: ${failures.join('; ')} — ${detail}` : `eval: ${detail}`;
  return {
    gate: 'eval',
    policy,
    verdict: policyVerdict(policy, failures.length > 0),
    summary,
    eval: report,
  };
}

// ---- all gates ---------------------------------------------------------------------------------

export interface CombinedGates {
  /** True when some gate's verdict is block; warn, skipped and off never block. */
  blocked: boolean;
  warnings: number;
  summary: string;
}

export function combineGates(results: readonly GateResult[]): CombinedGates {
  const by = (verdict: GateVerdict) => results.filter((r) => r.verdict === verdict);
  const names = (rs: GateResult[]) => rs.map((r) => GATE_LABELS[r.gate]).join(', ');
  const blocking = by('block');
  const warnings = by('warn');
  const passed = by('pass');
  const skippedGates = by('skipped');
  const off = by('off');
  if (results.length === 0) return { blocked: false, warnings: 0, summary: 'no gates ran' };
  if (passed.length === results.length) {
    return {
      blocked: false,
      warnings: 0,
      summary: `all ${count(results.length, 'gate')} passed`,
    };
  }
  const parts = [blocking.length > 0 ? `blocked by ${names(blocking)}` : 'nothing blocks'];
  if (warnings.length > 0) parts.push(`${count(warnings.length, 'warning')} (${names(warnings)})`);
  if (passed.length > 0) parts.push(`${passed.length} passed`);
  if (skippedGates.length > 0)
    parts.push(`${skippedGates.length} skipped (${names(skippedGates)})`);
  if (off.length > 0) parts.push(`${off.length} off`);
  return { blocked: blocking.length > 0, warnings: warnings.length, summary: parts.join('; ') };
}

const MARKERS: Record<GateVerdict, string> = {
  pass: 'PASS',
  warn: 'WARN',
  block: 'BLOCK',
  skipped: 'SKIP',
  off: 'OFF',
};

/** A short markdown block for the workflow's current details: a headline, then one line per gate. */
export function describeGates(results: readonly GateResult[]): string {
  const combined = combineGates(results);
  const lines = [`**Promotion gates:** ${escapeMarkdown(combined.summary)}`];
  for (const r of results) lines.push(`- \`${MARKERS[r.verdict]}\` ${escapeMarkdown(r.summary)}`);
  return lines.join('\n');
}

// ---- formatting --------------------------------------------------------------------------------

function count(n: number, noun: string): string;
function count(n: number, noun: string, omitZero: true): string | undefined;
function count(n: number, noun: string, omitZero = false): string | undefined {
  if (omitZero && n === 0) return undefined;
  return `${groupDigits(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function linesNote(lines: readonly number[]): string {
  if (lines.length === 0) return '';
  const shown = lines.slice(0, SHOWN_LINES).join(', ');
  return ` (first lines: ${shown}${lines.length > SHOWN_LINES ? ', …' : ''})`;
}

/** 65536 → "65,536", independent of the process locale. */
export function groupDigits(n: number): string {
  const [int = '', frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

const score = (v: number): string => v.toFixed(2);
const signed = (v: number): string => {
  const rounded = Math.round(v * 100) / 100;
  return `${rounded >= 0 ? '+' : '-'}${Math.abs(rounded).toFixed(2)}`;
};

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

/** Dollars an approver can read: cents when it is worth cents, else two significant digits. */
export function usd(v: number): string {
  if (v >= 1) return `$${v.toFixed(2)}`;
  if (v === 0) return '$0';
  return `$${v.toPrecision(2)}`;
}
