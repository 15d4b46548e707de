// Retrieval metrics for the knowledge base's gate: pure arithmetic over ranked document ids and
// labels. A query's ranked chunks are mapped to their documents; each document counts once, at
// its first rank (later chunks of it are dropped, ranks are not compacted). Relevance is binary.
//   hit@k     1 when a relevant document is in the top k
//   recall@k  relevant documents in the top k / relevant documents
//   RR        1 / rank of the first relevant document (0 when none is in the top k); MRR its mean
//   nDCG@k    Σ 1/log2(rank+1) over relevant documents found, over the same sum for the ideal
//             order (all relevant documents first, at most k of them)

export interface QueryScores {
  hit: number;
  recall: number;
  reciprocalRank: number;
  ndcg: number;
}

export interface MeanScores {
  hitRate: number;
  recall: number;
  mrr: number;
  ndcg: number;
}

/** Each document at its first rank (1-based) within the top k of the ranked list. */
export function firstRanks(rankedDocIds: readonly string[], k: number): Map<string, number> {
  const ranks = new Map<string, number>();
  rankedDocIds.slice(0, k).forEach((doc, i) => {
    if (!ranks.has(doc)) ranks.set(doc, i + 1);
  });
  return ranks;
}

const gain = (rank: number): number => 1 / Math.log2(rank + 1);

/** A query's scores; a query without labels scores 0 everywhere (it cannot be answered). */
export function scoreQuery(
  rankedDocIds: readonly string[],
  relevant: readonly string[],
  k: number,
): QueryScores {
  const labels = new Set(relevant);
  if (labels.size === 0) return { hit: 0, recall: 0, reciprocalRank: 0, ndcg: 0 };
  const ranks = firstRanks(rankedDocIds, k);
  const found = [...labels].flatMap((d) => {
    const r = ranks.get(d);
    return r === undefined ? [] : [r];
  });
  const dcg = found.reduce((s, r) => s + gain(r), 0);
  let idcg = 0;
  for (let r = 1; r <= Math.min(labels.size, k); r++) idcg += gain(r);
  return {
    hit: found.length > 0 ? 1 : 0,
    recall: found.length / labels.size,
    reciprocalRank: found.length > 0 ? 1 / Math.min(...found) : 0,
    ndcg: idcg > 0 ? dcg / idcg : 0,
  };
}

/** Means over queries (all 0 for none). */
export function meanScores(scores: readonly QueryScores[]): MeanScores {
  const n = scores.length;
  const mean = (pick: (s: QueryScores) => number) =>
    n === 0 ? 0 : scores.reduce((sum, s) => sum + pick(s), 0) / n;
  return {
    hitRate: mean((s) => s.hit),
    recall: mean((s) => s.recall),
    mrr: mean((s) => s.reciprocalRank),
    ndcg: mean((s) => s.ndcg),
  };
}
