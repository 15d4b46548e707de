import {
  KB_DEFAULTS,
  type CorpusGateThresholds,
  type RetrievalGateOptions,
} from '../shared/knowledgeBaseTypes.js';
import type { CorpusChange, KbPiiFindings, RetrievalReport } from '../shared/kbGateTypes.js';
import type { GatePolicy, GateResult } from '../shared/promotionTypes.js';
import { groupDigits, policyVerdict } from './verdict.js';

// The knowledge base's gates, from a measurement and a policy to a GateResult with one line an
// approver can act on. Pure, like verdict.ts (whose policy rules they share).

export const DEFAULT_CORPUS_THRESHOLDS: Required<CorpusGateThresholds> = {
  removedShare: KB_DEFAULTS.removedShare,
  changedShare: KB_DEFAULTS.changedShare,
  sizeSwing: KB_DEFAULTS.sizeSwing,
};
/** Scores are compared with this slack, so rounding noise is not a failure. */
const EPSILON = 1e-9;
const SHOWN = 5;

const plural = (n: number, noun: string) => `${groupDigits(n)} ${noun}${n === 1 ? '' : 's'}`;
const pct = (v: number) => `${(v * 100).toFixed(v !== 0 && Math.abs(v) < 0.1 ? 1 : 0)}%`;
const score = (v: number) => v.toFixed(2);
const signed = (v: number) => {
  const r = Math.round(v * 100) / 100;
  return `${r >= 0 ? '+' : '-'}${Math.abs(r).toFixed(2)}`;
};
const examples = (ids: readonly string[], total: number) =>
  ids.length === 0 ? '' : ` (${ids.slice(0, SHOWN).join(', ')}${total > SHOWN ? ', …' : ''})`;

function off(gate: GateResult['gate'], label: string): GateResult {
  return { gate, policy: 'off', verdict: 'off', summary: `${label}: off` };
}

// ---- pii ---------------------------------------------------------------------------------------

export function kbPiiVerdict(policy: GatePolicy, found: KbPiiFindings | undefined): GateResult {
  if (policy === 'off') return off('pii', 'pii');
  if (!found)
    return {
      gate: 'pii',
      policy,
      verdict: 'skipped',
      summary: 'pii: not scanned — nothing measured',
    };
  const parts = [
    found.emails ? plural(found.emails, 'email') : undefined,
    found.phones ? plural(found.phones, 'phone number') : undefined,
    found.cardNumbers ? plural(found.cardNumbers, 'card number') : undefined,
  ].filter((p): p is string => p !== undefined);
  const failed = parts.length > 0;
  const summary = failed
    ? `pii: ${parts.join(', ')} in ${plural(found.documents, 'document')}${examples(found.examples, found.documents)}`
    : 'pii: no emails, phone numbers or card numbers in the documents';
  return { gate: 'pii', policy, verdict: policyVerdict(policy, failed), summary, kbPii: found };
}

// ---- corpus change -----------------------------------------------------------------------------

export function corpusChangeVerdict(
  policy: GatePolicy,
  change: CorpusChange | undefined,
  thresholds: CorpusGateThresholds = {},
): GateResult {
  if (policy === 'off') return off('corpusChange', 'corpus change');
  if (!change) {
    return {
      gate: 'corpusChange',
      policy,
      verdict: 'skipped',
      summary: 'corpus change: not measured',
    };
  }
  const d = change.documents;
  const c = change.chunks;
  if (change.baseline === null) {
    return {
      gate: 'corpusChange',
      policy,
      verdict: 'pass',
      summary: `corpus change: first version — ${plural(d.after, 'document')}, ${plural(c.after, 'chunk')}; nothing in production to compare`,
      corpus: change,
    };
  }
  const t = { ...DEFAULT_CORPUS_THRESHOLDS, ...thresholds };
  const share = (n: number, of: number) => (of === 0 ? (n === 0 ? 0 : 1) : n / of);
  const removed = share(d.removed, d.before);
  const changed = share(d.changed, d.before);
  const swing = c.before === 0 ? (c.after === 0 ? 0 : 1) : (c.after - c.before) / c.before;
  const failures: string[] = [];
  if (removed > t.removedShare + EPSILON)
    failures.push(`${pct(removed)} of documents removed > ${pct(t.removedShare)}`);
  if (changed > t.changedShare + EPSILON)
    failures.push(`${pct(changed)} of documents changed > ${pct(t.changedShare)}`);
  if (Math.abs(swing) > t.sizeSwing + EPSILON)
    failures.push(
      `size swing ${swing >= 0 ? '+' : '-'}${pct(Math.abs(swing))} > ${pct(t.sizeSwing)}`,
    );
  const ex = change.examples;
  const detail =
    `+${groupDigits(d.added)} added${examples(ex.added, d.added)}, -${groupDigits(d.removed)} removed${examples(ex.removed, d.removed)}, ` +
    `${groupDigits(d.changed)} changed${examples(ex.changed, d.changed)} of ${plural(d.before, 'document')}; ` +
    `chunks ${groupDigits(c.before)} → ${groupDigits(c.after)} (${swing >= 0 ? '+' : '-'}${pct(Math.abs(swing))})`;
  return {
    gate: 'corpusChange',
    policy,
    verdict: policyVerdict(policy, failures.length > 0),
    summary:
      failures.length > 0
        ? `corpus change: ${failures.join('; ')} — ${detail}`
        : `corpus change: ${detail}`,
    corpus: change,
  };
}

// ---- retrieval ---------------------------------------------------------------------------------

/**
 * Fails when the candidate falls more than `maxDrop` below production on recall@k, MRR or
 * nDCG@k, when a question production answered gets no relevant document from the candidate, or
 * below `minRecall`. No golden set: skipped. No production: only `minRecall` applies.
 */
export function retrievalVerdict(
  policy: GatePolicy,
  report: RetrievalReport | undefined,
  options: RetrievalGateOptions = {},
): GateResult {
  if (policy === 'off') return off('retrieval', 'retrieval');
  if (!report) {
    return {
      gate: 'retrieval',
      policy,
      verdict: 'skipped',
      summary: 'retrieval: no golden set — nothing measured',
    };
  }
  const maxDrop = options.maxDrop ?? KB_DEFAULTS.maxDrop;
  const { k, candidate: c, production: p } = report;
  const failures: string[] = [];
  const metrics: [string, number, number | undefined][] = [
    [`recall@${k}`, c.recall, p?.recall],
    ['MRR', c.mrr, p?.mrr],
    [`nDCG@${k}`, c.ndcg, p?.ndcg],
  ];
  for (const [name, cand, prod] of metrics) {
    if (prod !== undefined && cand < prod - maxDrop - EPSILON) {
      failures.push(
        `${name} ${score(cand)} vs production ${score(prod)} (${signed(cand - prod)}, more than ${score(maxDrop)} down)`,
      );
    }
  }
  if (report.lost.count > 0) {
    failures.push(
      `${plural(report.lost.count, 'question')} production answered got no relevant document`,
    );
  }
  if (options.minRecall !== undefined && c.recall < options.minRecall - EPSILON) {
    failures.push(`recall@${k} ${score(c.recall)} < min ${score(options.minRecall)}`);
  }
  const figures = metrics
    .map(([name, cand, prod]) =>
      prod === undefined
        ? `${name} ${score(cand)}`
        : `${name} ${score(cand)} (production ${score(prod)})`,
    )
    .join(', ');
  const missing = report.missingDocuments.count
    ? `; ${plural(report.missingDocuments.count, 'label')} name documents no longer in the corpus${examples(report.missingDocuments.examples, report.missingDocuments.count)}`
    : '';
  const detail = `${figures} on ${plural(report.questions, 'question')} of ${report.golden}${p ? '' : ' (nothing in production to compare)'}${missing}`;
  return {
    gate: 'retrieval',
    policy,
    verdict: policyVerdict(policy, failures.length > 0),
    summary:
      failures.length > 0
        ? `retrieval: ${failures.join('; ')} — ${detail}`
        : `retrieval: ${detail}`,
    retrieval: report,
  };
}
