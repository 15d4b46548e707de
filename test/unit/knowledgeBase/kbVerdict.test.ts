import { describe, expect, it } from 'vitest';
import {
  corpusChangeVerdict,
  kbPiiVerdict,
  retrievalVerdict,
} from '../../../src/gates/kbVerdict.js';
import type { CorpusChange, RetrievalReport } from '../../../src/shared/kbGateTypes.js';

const change = (
  over: Partial<CorpusChange['documents']>,
  chunks?: Partial<CorpusChange['chunks']>,
): CorpusChange => ({
  baseline: 'cand-a:3',
  documents: { before: 100, after: 100, added: 0, removed: 0, changed: 0, unchanged: 100, ...over },
  chunks: { before: 1000, after: 1000, added: 0, removed: 0, ...chunks },
  examples: { added: [], removed: ['gone.md'], changed: ['faq.md', 'setup.md'] },
});

describe('kbPiiVerdict', () => {
  it('names what was found and where', () => {
    const r = kbPiiVerdict('block', {
      emails: 2,
      phones: 0,
      cardNumbers: 1,
      documents: 2,
      examples: ['a.md', 'b.md'],
    });
    expect(r.verdict).toBe('block');
    expect(r.summary).toBe('pii: 2 emails, 1 card number in 2 documents (a.md, b.md)');
    expect(
      kbPiiVerdict('warn', { emails: 0, phones: 0, cardNumbers: 0, documents: 0, examples: [] })
        .verdict,
    ).toBe('pass');
    expect(kbPiiVerdict('off', undefined).verdict).toBe('off');
  });
});

describe('corpusChangeVerdict', () => {
  it('passes a first version', () => {
    const r = corpusChangeVerdict('block', { ...change({}), baseline: null });
    expect(r.verdict).toBe('pass');
    expect(r.summary).toContain('first version');
  });

  it('passes a small change and says what changed', () => {
    const r = corpusChangeVerdict(
      'block',
      change({ changed: 2, unchanged: 98 }, { after: 1010, added: 30, removed: 20 }),
    );
    expect(r.verdict).toBe('pass');
    expect(r.summary).toBe(
      'corpus change: +0 added, -0 removed (gone.md), 2 changed (faq.md, setup.md) of 100 documents; chunks 1,000 → 1,010 (+1.0%)',
    );
  });

  it('fails on removals, edits or a size swing over the thresholds', () => {
    expect(corpusChangeVerdict('block', change({ removed: 21, after: 79 })).verdict).toBe('block');
    expect(corpusChangeVerdict('block', change({ removed: 20, after: 80 })).verdict).toBe('pass');
    expect(corpusChangeVerdict('warn', change({ changed: 51 })).verdict).toBe('warn');
    const swing = corpusChangeVerdict('block', change({}, { after: 1400 }));
    expect(swing.verdict).toBe('block');
    expect(swing.summary).toContain('size swing +40% > 30%');
    expect(
      corpusChangeVerdict('block', change({}, { after: 1400 }), { sizeSwing: 0.5 }).verdict,
    ).toBe('pass');
  });
});

const arm = (recall: number, mrr: number, ndcg: number) => ({
  version: 'v',
  hitRate: recall,
  recall,
  mrr,
  ndcg,
});
const report = (over: Partial<RetrievalReport>): RetrievalReport => ({
  golden: 'e/p/kb-golden:v0',
  questions: 20,
  k: 5,
  candidate: arm(0.9, 0.8, 0.85),
  production: arm(0.9, 0.8, 0.85),
  lost: { count: 0, examples: [] },
  missingDocuments: { count: 0, examples: [] },
  queryEmbeddings: { requested: 0, reused: 20 },
  ...over,
});

describe('retrievalVerdict', () => {
  it('skips without a golden set, passes an equal candidate', () => {
    expect(retrievalVerdict('block', undefined).verdict).toBe('skipped');
    const r = retrievalVerdict('block', report({}));
    expect(r.verdict).toBe('pass');
    expect(r.summary).toBe(
      'retrieval: recall@5 0.90 (production 0.90), MRR 0.80 (production 0.80), nDCG@5 0.85 (production 0.85) on 20 questions of e/p/kb-golden:v0',
    );
  });

  it('allows a drop up to maxDrop, not beyond', () => {
    expect(retrievalVerdict('block', report({ candidate: arm(0.88, 0.8, 0.85) })).verdict).toBe(
      'pass',
    );
    const r = retrievalVerdict('block', report({ candidate: arm(0.85, 0.8, 0.85) }));
    expect(r.verdict).toBe('block');
    expect(r.summary).toContain('recall@5 0.85 vs production 0.90 (-0.05, more than 0.02 down)');
    expect(
      retrievalVerdict('block', report({ candidate: arm(0.85, 0.8, 0.85) }), { maxDrop: 0.1 })
        .verdict,
    ).toBe('pass');
  });

  it('fails when a question production answered loses every relevant document', () => {
    const r = retrievalVerdict(
      'warn',
      report({ lost: { count: 1, examples: [{ question: 'q', relevant: ['a'] }] } }),
    );
    expect(r.verdict).toBe('warn');
    expect(r.summary).toContain('1 question production answered got no relevant document');
  });

  it('with nothing in production only minRecall applies', () => {
    expect(
      retrievalVerdict('block', report({ production: null, candidate: arm(0.3, 0.3, 0.3) }))
        .verdict,
    ).toBe('pass');
    expect(
      retrievalVerdict('block', report({ production: null, candidate: arm(0.3, 0.3, 0.3) }), {
        minRecall: 0.5,
      }).verdict,
    ).toBe('block');
  });
});
