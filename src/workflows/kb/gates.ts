import {
  corpusChangeVerdict,
  kbPiiVerdict,
  policyVerdict,
  retrievalVerdict,
} from '../../gates/index.js';
import type {
  CorpusChange,
  CorpusSummary,
  EmbeddingSpec,
  KnowledgeBaseInput,
} from '../../shared/knowledgeBaseTypes.js';
import type { GateResult } from '../../shared/promotionTypes.js';
import { rootMessage } from '../../shared/rootCause.js';
import { isCancellation } from '@temporalio/workflow';
import { kbGateActivities } from '../activityOptions.js';
import { resolveRetrievalOptions } from './rules.js';

/** What the knowledge base's gates read: the run's measurements, and where to measure retrieval. */
export interface KbGateContext {
  input: KnowledgeBaseInput;
  store: string;
  corpus: CorpusSummary;
  change: CorpusChange;
  embedding: EmbeddingSpec;
  candidate: string;
  production: string | null;
  /** The golden set to measure on, or null: none (the retrieval gate is skipped). */
  golden: { ref?: string; path?: string } | null;
}

/**
 * The knowledge base's gates, in the order a reviewer reads them (default: all `warn`). PII and
 * corpus change come from what the run already measured; retrieval runs the golden set against
 * both indexes. A measurement that cannot be taken fails closed: a blocking gate blocks.
 */
export async function runKbGates(ctx: KbGateContext): Promise<GateResult[]> {
  const g = ctx.input.gates ?? {};
  const results: GateResult[] = [
    kbPiiVerdict(g.pii ?? 'warn', ctx.corpus.pii),
    corpusChangeVerdict(g.corpusChange ?? 'warn', ctx.change, g.corpusThresholds),
  ];
  const policy = g.retrieval ?? 'warn';
  const options = resolveRetrievalOptions(g.retrievalOptions);
  if (policy === 'off' || !ctx.golden) {
    results.push(retrievalVerdict(policy, undefined, options));
    return results;
  }
  try {
    const report = await kbGateActivities.measureKbRetrieval({
      kb: ctx.input.kb,
      store: ctx.store,
      candidate: ctx.candidate,
      production: ctx.production,
      golden: ctx.golden,
      embedding: ctx.embedding,
      k: options.k,
    });
    results.push(retrievalVerdict(policy, report, options));
  } catch (err) {
    if (isCancellation(err)) throw err;
    results.push({
      gate: 'retrieval',
      policy,
      verdict: policyVerdict(policy, true),
      summary: `retrieval: could not measure — ${rootMessage(err)}`,
    });
  }
  return results;
}
